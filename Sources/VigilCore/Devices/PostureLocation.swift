import Foundation

/// Where a device was when it checked in, as its location services told it: a precise location,
/// which the collection matrix governs (``CollectedField/preciseLocation``).
public struct PostureLocation: Codable, Sendable, Equatable {
    /// Degrees north of the equator, −90 to 90.
    public var latitude: Double
    /// Degrees east of Greenwich, −180 to 180.
    public var longitude: Double
    /// The radius of uncertainty, in meters, 0 to 100,000.
    public var horizontalAccuracyMeters: Double
    /// When the device took the fix, which may be before the check-in.
    public var recordedAt: Date

    /// Describes a location fix.
    public init(latitude: Double, longitude: Double, horizontalAccuracyMeters: Double, recordedAt: Date) {
        self.latitude = latitude
        self.longitude = longitude
        self.horizontalAccuracyMeters = horizontalAccuracyMeters
        self.recordedAt = recordedAt
    }

    /// The largest accepted accuracy radius, in meters.
    public static let maximumAccuracyMeters = 100_000.0

    /// Checks every coordinate and returns the fix with its time rounded to milliseconds, as it is stored.
    /// - Throws: ``ValidationError`` naming the field at fault, such as `location.latitude`.
    public func validated() throws -> PostureLocation {
        func check(_ value: Double, _ field: String, _ bounds: ClosedRange<Double>) throws {
            guard bounds.contains(value) else {
                throw ValidationError(
                    field: "location.\(field)", message: "must be between \(Int(bounds.lowerBound)) and \(Int(bounds.upperBound))")
            }
        }
        try check(latitude, "latitude", -90...90)
        try check(longitude, "longitude", -180...180)
        try check(horizontalAccuracyMeters, "horizontalAccuracyMeters", 0...Self.maximumAccuracyMeters)
        var location = self
        location.recordedAt = recordedAt.roundedToMilliseconds
        return location
    }
}
