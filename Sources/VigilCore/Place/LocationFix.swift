import Foundation

/// One location fix an agent reports (`docs/geofencing.md`, "Location reports").
public struct LocationFix: Codable, Sendable, Equatable {
    /// Degrees north of the equator, −90 to 90.
    public var latitude: Double
    /// Degrees east of Greenwich, −180 to 180.
    public var longitude: Double
    /// The radius of uncertainty the platform reports, in meters.
    public var accuracyMeters: Double
    /// The share of fixes the platform promises fall within that radius, such as 0.68 for Android
    /// or 0.95 for browsers (the W3C Geolocation API); `nil` for ``defaultConfidence``.
    public var confidence: Double?
    /// When the device took the fix.
    public var recordedAt: Date
    /// Where the fix came from.
    public var source: FixSource

    /// Describes a fix.
    public init(
        latitude: Double, longitude: Double, accuracyMeters: Double, confidence: Double? = nil, recordedAt: Date,
        source: FixSource
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyMeters = accuracyMeters
        self.confidence = confidence
        self.recordedAt = recordedAt
        self.source = source
    }

    /// The confidence level of a fix that names none: 68 % (one standard deviation), what Android
    /// and Apple's Core Location report.
    public static let defaultConfidence = 0.68

    /// The confidence level every accuracy is normalized to before a fix is judged: 95 %.
    public static let normalizedConfidence = 0.95

    /// The accuracy radius at ``normalizedConfidence``.
    ///
    /// Horizontal error is taken as a circular normal distribution, whose radius at confidence
    /// `p` is σ·√(−2·ln(1 − p)); a radius reported at one level is scaled to the other. Android's
    /// 68 % radius grows by about 1.62; a browser's 95 % radius stays as it is.
    public var normalizedAccuracyMeters: Double {
        let reported = confidence ?? Self.defaultConfidence
        return accuracyMeters * Self.radiusFactor(Self.normalizedConfidence) / Self.radiusFactor(reported)
    }

    private static func radiusFactor(_ confidence: Double) -> Double { (-2 * log(1 - confidence)).squareRoot() }

    /// The largest accepted accuracy radius, in meters.
    public static let maximumAccuracyMeters = 100_000.0

    /// Checks every field and returns the fix with its time rounded to milliseconds, as it is kept.
    /// - Parameter field: The fix's path in the request, such as `fixes[2]`, for errors.
    /// - Throws: ``ValidationError`` naming the field at fault, such as `fixes[2].latitude`.
    public func validated(field: String) throws -> LocationFix {
        func check(_ value: Double, _ name: String, _ bounds: ClosedRange<Double>) throws {
            guard value.isFinite, bounds.contains(value) else {
                throw ValidationError(field: "\(field).\(name)", message: "must be a number from \(bounds.lowerBound) to \(bounds.upperBound)")
            }
        }
        try check(latitude, "latitude", -90...90)
        try check(longitude, "longitude", -180...180)
        try check(accuracyMeters, "accuracyMeters", 0...Self.maximumAccuracyMeters)
        if let confidence { try check(confidence, "confidence", 0.5...0.99) }
        var fix = self
        fix.recordedAt = recordedAt.roundedToMilliseconds
        return fix
    }
}

/// Where a location fix came from.
public enum FixSource: String, Codable, CaseIterable, Sendable {
    /// Satellite positioning.
    case gps
    /// Wi-Fi positioning.
    case wifi
    /// Cell towers.
    case cell
    /// The platform fused several sources or did not say.
    case other
}
