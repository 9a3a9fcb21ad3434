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

/// The order of an inventory: by one field, rising or falling; devices of equal value follow
/// enrollment order (reversed in falling order). Devices never seen sort as if seen before all
/// others; devices without a facility before those with one.
public struct DeviceSort: Sendable, Equatable {
    /// What an inventory can be sorted by.
    public enum Field: String, CaseIterable, Sendable {
        case enrolledAt, lastSeenAt, ownership, deviceClass, platform, approval, compliance, personID, facilityID
    }

    public var field: Field
    public var descending: Bool

    /// An order by `field`.
    public init(_ field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// Enrollment order, the default.
    public static let enrolledAt = DeviceSort(.enrolledAt)

    /// Reads the `sort` parameter: a field's name, with a leading `-` for falling order.
    public init?(parameter: String) {
        let descending = parameter.hasPrefix("-")
        guard let field = Field(rawValue: descending ? String(parameter.dropFirst()) : parameter) else { return nil }
        self.init(field, descending: descending)
    }

    /// The `sort` parameter that names this order.
    public var parameter: String { (descending ? "-" : "") + field.rawValue }

    /// Every value the `sort` parameter accepts.
    public static var parameters: [String] { Field.allCases.flatMap { [$0.rawValue, "-" + $0.rawValue] } }

    /// The sort key of `device`, for the fields other than enrollment: last-seen milliseconds
    /// (-1 for never) or the field's text ("" for no facility).
    public func key(of device: Device) -> String? {
        switch field {
        case .enrolledAt: nil
        case .lastSeenAt: String(device.lastSeenAt?.millisecondsSince1970 ?? -1)
        case .ownership: device.ownership.rawValue
        case .deviceClass: device.deviceClass.rawValue
        case .platform: device.platform.rawValue
        case .approval: device.approval.rawValue
        case .compliance: device.compliance.rawValue
        case .personID: device.personID.rawValue
        case .facilityID: device.facilityID?.rawValue ?? ""
        }
    }

    /// The page cursor after `device`: the order's ``parameter``, the device's sort key (for
    /// orders other than enrollment) and its ID, joined by `|`, so that a cursor is refused by
    /// any other order.
    public func cursor(after device: Device) -> String {
        ([parameter] + (key(of: device).map { [$0] } ?? []) + [device.id.rawValue]).joined(separator: "|")
    }

    /// Reads a cursor made by ``cursor(after:)``.
    /// - Returns: The sort key (`nil` in enrollment order) and the device ID.
    /// - Throws: ``ValidationError`` for a cursor of another order.
    public func position(of cursor: String) throws -> (key: String?, id: String) {
        let invalid = ValidationError(field: "cursor", message: "does not belong to this sort order")
        let parts = cursor.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == parameter, let id = parts.last, DeviceID(validating: id) != nil else { throw invalid }
        if field == .enrolledAt {
            guard parts.count == 2 else { throw invalid }
            return (nil, id)
        }
        guard parts.count == 3, field != .lastSeenAt || Int64(parts[1]) != nil else { throw invalid }
        return (parts[1], id)
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
