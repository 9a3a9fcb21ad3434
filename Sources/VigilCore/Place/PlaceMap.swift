import Foundation

/// Every facility fence, indexed, to judge fixes against (`docs/geofencing.md`, "How a fix is
/// judged"); a person's home visits are judged beside them.
public struct PlaceMap: Sendable {
    /// The fences, in the index's order.
    public let fences: [Fence]
    private let index: FenceIndex

    /// Indexes `fences`.
    public init(fences: [Fence]) {
        self.fences = fences
        self.index = FenceIndex(fences.map(\.shape))
    }

    /// What a fix says: inside a facility fence, else at the place of a visit in progress, else
    /// outside if clear of every fence and visit place, else unknown.
    /// - Parameters:
    ///   - fix: The fix.
    ///   - visits: The person's visits (those not in progress at the fix's time are passed over).
    ///   - marginMeters: How far clear, beyond the fix's accuracy, outside is.
    public func judge(_ fix: LocationFix, visits: [Visit], marginMeters: Double) -> FixPlace {
        let point = GeoPoint(latitude: fix.latitude, longitude: fix.longitude)
        let accuracy = fix.normalizedAccuracyMeters
        let facilities = index.classify(point, accuracyMeters: accuracy, marginMeters: marginMeters)
        if case .inside(let position) = facilities {
            let fence = fences[position]
            return .inside(facility: fence.facilityID, fence: fence.id)
        }
        var clear = facilities == .outside
        for visit in visits where visit.isInProgress(at: fix.recordedAt) {
            switch visit.place.relation(of: point, accuracyMeters: accuracy, marginMeters: marginMeters) {
            case .within: return .visit(visit.id, until: visit.endsAt)
            case .clear: break
            case .ambiguous: clear = false
            }
        }
        return clear ? .outside : .unknown
    }
}
