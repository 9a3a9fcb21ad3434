import Foundation

/// The criteria of an inventory search; `nil` means any.
public struct DeviceFilter: Sendable, Equatable {
    public var ownership: Ownership?
    public var deviceClass: DeviceClass?
    public var platform: Platform?
    public var approval: ApprovalState?
    public var compliance: ComplianceState?
    public var status: DeviceStatus?
    /// Devices enrolled for this person.
    public var personID: PersonID?
    /// Devices of this facility.
    public var facilityID: FacilityID?
    /// Devices last seen before this instant, or never.
    public var lastSeenBefore: Date?
    /// Devices last seen at or after this instant.
    public var lastSeenSince: Date?

    /// Makes a filter.
    public init(
        ownership: Ownership? = nil, deviceClass: DeviceClass? = nil, platform: Platform? = nil,
        approval: ApprovalState? = nil, compliance: ComplianceState? = nil, status: DeviceStatus? = nil,
        personID: PersonID? = nil, facilityID: FacilityID? = nil, lastSeenBefore: Date? = nil,
        lastSeenSince: Date? = nil
    ) {
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.platform = platform
        self.approval = approval
        self.compliance = compliance
        self.status = status
        self.personID = personID
        self.facilityID = facilityID
        self.lastSeenBefore = lastSeenBefore
        self.lastSeenSince = lastSeenSince
    }
}

/// The orders an inventory can be listed in. Devices never seen sort as if seen before all others.
public enum DeviceSort: String, Sendable, CaseIterable {
    /// Oldest enrollment first (the default).
    case enrolledAt
    /// Newest enrollment first.
    case enrolledAtDescending = "-enrolledAt"
    /// Longest unseen first: the devices to chase.
    case lastSeenAt
    /// Most recently seen first.
    case lastSeenAtDescending = "-lastSeenAt"

    /// Whether the order runs from high to low.
    public var isDescending: Bool { self == .enrolledAtDescending || self == .lastSeenAtDescending }

    /// Whether the order is by last check-in.
    public var isByLastSeen: Bool { self == .lastSeenAt || self == .lastSeenAtDescending }

    /// The page cursor after `device`: its ID, preceded by its last-seen milliseconds (-1 for
    /// never) when sorting by last check-in.
    public func cursor(after device: Device) -> String {
        guard isByLastSeen else { return device.id.rawValue }
        return "\(device.lastSeenAt?.millisecondsSince1970 ?? -1)|\(device.id.rawValue)"
    }

    /// Reads a cursor made by ``cursor(after:)``.
    /// - Returns: The last-seen milliseconds (for last-seen orders) and the device ID.
    /// - Throws: ``ValidationError`` for a cursor of another order.
    public func position(of cursor: String) throws -> (lastSeen: Int64?, id: String) {
        let invalid = ValidationError(field: "cursor", message: "does not belong to this sort order")
        if !isByLastSeen {
            guard DeviceID(validating: cursor) != nil else { throw invalid }
            return (nil, cursor)
        }
        let parts = cursor.split(separator: "|")
        guard parts.count == 2, let milliseconds = Int64(parts[0]), DeviceID(validating: String(parts[1])) != nil
        else { throw invalid }
        return (milliseconds, String(parts[1]))
    }
}

/// One check-in to record.
public struct DeviceCheckIn: Sendable {
    public let deviceID: DeviceID
    public let posture: Posture
    public let at: Date

    public init(deviceID: DeviceID, posture: Posture, at: Date) {
        self.deviceID = deviceID
        self.posture = posture
        self.at = at
    }
}

/// What a recorded check-in tells the device about itself.
public struct DeviceCheckInState: Sendable, Equatable {
    public let approval: ApprovalState
    public let approvalReason: String?
    public let compliance: ComplianceState
    public let ownership: Ownership

    public init(approval: ApprovalState, approvalReason: String?, compliance: ComplianceState, ownership: Ownership) {
        self.approval = approval
        self.approvalReason = approvalReason
        self.compliance = compliance
        self.ownership = ownership
    }
}
