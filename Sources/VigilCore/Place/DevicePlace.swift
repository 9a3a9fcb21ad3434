import Foundation

/// Where a device is, as its fixes tell it after hysteresis: the only trace of its location kept
/// for a personal device (`docs/geofencing.md`, "Privacy").
public struct DevicePlace: Sendable, Equatable {
    /// The device.
    public let deviceID: DeviceID
    /// The settled state.
    public var state: DevicePlaceState
    /// The facility it is inside, when ``state`` is ``DevicePlaceState/inside``.
    public var facilityID: FacilityID?
    /// The fence it is inside, when ``state`` is ``DevicePlaceState/inside``.
    public var fenceID: FenceID?
    /// The home visit whose place it is at, when ``state`` is ``DevicePlaceState/visit``.
    public var visitID: VisitID?
    /// When that visit ends: the device is outside from then on.
    public var visitUntil: Date?
    /// When ``state`` last changed.
    public var changedAt: Date
    /// When the device took its latest fix taken into account.
    public var lastFixAt: Date
    /// When the current run of outside fixes began, while the device is not outside yet.
    public var outsideSince: Date?
    /// How many outside fixes that run has had.
    public var outsideFixes: Int
    /// When that run makes the device outside if no inside fix comes first.
    public var outsideAt: Date?
    /// Counts the writes of this record, so that two reports racing cannot both write.
    public var revision: Int64

    /// Describes a device's place.
    public init(
        deviceID: DeviceID, state: DevicePlaceState, facilityID: FacilityID? = nil, fenceID: FenceID? = nil,
        visitID: VisitID? = nil, visitUntil: Date? = nil, changedAt: Date, lastFixAt: Date, outsideSince: Date? = nil,
        outsideFixes: Int = 0, outsideAt: Date? = nil, revision: Int64 = 0
    ) {
        self.deviceID = deviceID
        self.state = state
        self.facilityID = facilityID
        self.fenceID = fenceID
        self.visitID = visitID
        self.visitUntil = visitUntil
        self.changedAt = changedAt
        self.lastFixAt = lastFixAt
        self.outsideSince = outsideSince
        self.outsideFixes = outsideFixes
        self.outsideAt = outsideAt
        self.revision = revision
    }

    /// The place at `now`: a run of outside fixes whose time has come, or a visit that ended, has
    /// made the device outside even without a new fix.
    public func settled(at now: Date) -> DevicePlace {
        var place = self
        if state == .visit, let until = visitUntil, now >= until {
            place.turn(.outside, at: until)
        }
        if place.state != .outside, let at = outsideAt, now >= at {
            place.turn(.outside, at: at)
        }
        return place
    }

    /// When the place changes next without a fix (a run of outside fixes completing, a visit
    /// ending, the place going stale), for the sweep that re-evaluates devices then.
    /// - Parameter staleAfter: How long without a fix before the place is stale.
    public func nextChange(staleAfter: TimeInterval) -> Date? {
        let stale = lastFixAt.addingTimeInterval(staleAfter)
        return [outsideAt, state == .visit ? visitUntil : nil, stale].compactMap { $0 }.min()
    }

    /// Changes the settled state, ending any run of outside fixes.
    mutating func turn(_ newState: DevicePlaceState, at time: Date) {
        if newState != state { changedAt = time }
        state = newState
        if newState != .inside {
            facilityID = nil
            fenceID = nil
        }
        if newState != .visit {
            visitID = nil
            visitUntil = nil
        }
        outsideSince = nil
        outsideFixes = 0
        outsideAt = nil
    }
}

/// A device's settled place.
public enum DevicePlaceState: String, Codable, CaseIterable, Sendable {
    /// Inside a facility fence.
    case inside
    /// Outside every fence, after hysteresis.
    case outside
    /// Its fixes are too inaccurate to tell, or it has had none that tell yet.
    case unknown
    /// At the place of one of its person's home visits, during the visit.
    case visit
}

/// A change of a device's settled place: with the place state, the only location record kept for
/// a personal device.
public struct PlaceTransition: Codable, Sendable, Equatable {
    /// The device.
    public var deviceID: DeviceID
    /// The state before; `nil` for the device's first.
    public var from: DevicePlaceState?
    /// The state after.
    public var to: DevicePlaceState
    /// The facility entered, for ``DevicePlaceState/inside``.
    public var facilityID: FacilityID?
    /// The visit whose place was reached, for ``DevicePlaceState/visit``.
    public var visitID: VisitID?
    /// When it happened (the time of the fix, or when a run of outside fixes completed).
    public var at: Date

    /// Describes a transition.
    public init(deviceID: DeviceID, from: DevicePlaceState?, to: DevicePlaceState, facilityID: FacilityID?, visitID: VisitID?, at: Date) {
        self.deviceID = deviceID
        self.from = from
        self.to = to
        self.facilityID = facilityID
        self.visitID = visitID
        self.at = at
    }
}
