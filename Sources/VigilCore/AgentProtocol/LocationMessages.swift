import Foundation

/// `POST /agent/v1/location`: a batch of location fixes (`docs/agent-protocol.md`, "Location reports").
public struct LocationReportRequest: Codable, Sendable, Equatable {
    /// The fixes, 1 to 100, in any order.
    public var fixes: [LocationFix]

    /// Describes a report.
    public init(fixes: [LocationFix]) { self.fixes = fixes }
}

/// The answer to a location report: where the device and its person are now, and the access
/// state that follows (so the reply to the report that changed the place carries the change).
public struct LocationReportResponse: Codable, Sendable, Equatable {
    /// How many fixes counted.
    public var accepted: Int
    /// How many were ignored: older than the latest one, or from the future.
    public var ignored: Int
    /// The place.
    public var place: PlaceStatus
    /// The access decision for PHI apps.
    public var access: AccessStatus
    /// A fresh access grant when access is allowed; absent when denied.
    public var grant: IssuedGrant?
    /// The server's time.
    public var serverTime: Date

    /// Describes the answer.
    public init(accepted: Int, ignored: Int, place: PlaceStatus, access: AccessStatus, grant: IssuedGrant?, serverTime: Date) {
        self.accepted = accepted
        self.ignored = ignored
        self.place = place
        self.access = access
        self.grant = grant
        self.serverTime = serverTime
    }
}

/// Where a device and its person are, as the API and the agent protocol show it.
public struct PlaceStatus: Codable, Sendable, Equatable {
    /// The person's place: what the access decision looks at.
    public var person: PersonPlaceState
    /// Since when.
    public var since: Date?
    /// The facility the person is in, when inside.
    public var facilityID: FacilityID?
    /// The visit whose place the person is at.
    public var visitID: VisitID?
    /// The device whose place the person's is.
    public var deviceID: DeviceID?
    /// This device's own settled place; `nil` before its first fix.
    public var device: DevicePlaceState?
    /// When this device took its latest fix that counted.
    public var lastFixAt: Date?

    /// Describes a place.
    public init(person: PersonPlace, device: DevicePlace?) {
        self.person = person.state
        self.since = person.since
        self.facilityID = person.facilityID
        self.visitID = person.visitID
        self.deviceID = person.deviceID
        self.device = device?.state
        self.lastFixAt = device?.lastFixAt
    }
}
