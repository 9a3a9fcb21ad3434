import Foundation

/// Where a person is, from the places of all their devices (`docs/geofencing.md`, "One person,
/// several devices"): the latest settled change among the devices that reported recently.
///
/// The device that moved last tells where its person went: the phone in the pocket that walks out
/// makes the person outside, and the tablet in the bag (which reports nothing new) is blocked with
/// it; coming back restores both. A device that has not reported within the stale time is left out.
public struct PersonPlace: Sendable, Equatable {
    /// What the person's place is.
    public var state: PersonPlaceState
    /// The device whose place it is, if any.
    public var deviceID: DeviceID?
    /// Since when.
    public var since: Date?
    /// The facility, when inside.
    public var facilityID: FacilityID?
    /// The visit, when at a visit's place.
    public var visitID: VisitID?

    /// Describes a person's place.
    public init(
        state: PersonPlaceState, deviceID: DeviceID? = nil, since: Date? = nil, facilityID: FacilityID? = nil,
        visitID: VisitID? = nil
    ) {
        self.state = state
        self.deviceID = deviceID
        self.since = since
        self.facilityID = facilityID
        self.visitID = visitID
    }

    /// Aggregates the places of a person's devices.
    /// - Parameters:
    ///   - places: The places of the person's devices.
    ///   - staleAfter: How long without a fix before a device's place no longer counts.
    ///   - now: The time.
    public init(of places: [DevicePlace], staleAfter: TimeInterval, at now: Date) {
        let fresh = places.map { $0.settled(at: now) }.filter { now.timeIntervalSince($0.lastFixAt) < staleAfter }
        let telling = fresh.filter { $0.state != .unknown }
        if let latest = telling.max(by: { ($0.changedAt, $0.deviceID) < ($1.changedAt, $1.deviceID) }) {
            let state: PersonPlaceState = switch latest.state {
            case .inside: .inside
            case .outside: .outside
            case .visit: .visit
            case .unknown: .unknown
            }
            self.init(
                state: state, deviceID: latest.deviceID, since: latest.changedAt, facilityID: latest.facilityID,
                visitID: latest.visitID)
        } else if let uncertain = fresh.max(by: { $0.lastFixAt < $1.lastFixAt }) {
            self.init(state: .unknown, deviceID: uncertain.deviceID, since: uncertain.changedAt)
        } else {
            self.init(state: .stale, since: places.map(\.lastFixAt).max())
        }
    }
}

/// What a person's place is.
public enum PersonPlaceState: String, Codable, CaseIterable, Sendable {
    /// Inside a facility fence.
    case inside
    /// Outside every fence.
    case outside
    /// At the place of a home visit in progress.
    case visit
    /// The recent fixes are too inaccurate to tell.
    case unknown
    /// No device of the person has reported a fix within the stale time (or ever).
    case stale
}

extension PlaceInput {
    /// The place input of a decision.
    /// - Parameters:
    ///   - place: The person's place.
    ///   - conditions: The device's conditions.
    ///   - visit: The visit the person is at, when ``PersonPlace/visitID`` names one in progress.
    ///   - patient: The patient the request is for, if it names one.
    public init(_ place: PersonPlace, conditions: EffectiveConditions, visit: Visit?, patient: String?) {
        guard conditions.requireInsideFacility else {
            self = .notRequired
            return
        }
        switch place.state {
        case .inside: self = .inside
        case .outside: self = .outside
        case .unknown: self = .unknown
        case .stale: self = conditions.staleBlocksPHI ? .stale : .unknown
        case .visit:
            guard let visit else {
                self = .outside
                return
            }
            self = patient == nil || patient == visit.patient ? .visit : .visitOtherPatient
        }
    }
}
