import Foundation

/// A device enrolled in Vigil: phone, tablet, PC, wearable or medical device.
///
/// The record stays after the device is retired, so that the hospital can always account for
/// the hardware and its history.
public struct Device: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "dev"

    /// Unique, immutable identifier.
    public let id: DeviceID
    /// The person the device was enrolled for.
    public var personID: PersonID
    /// The facility the device belongs to, if the invitation named one.
    public var facilityID: FacilityID?
    /// The invitation the device enrolled with.
    public let invitationID: EnrollmentInvitationID
    /// Who owns the hardware.
    public let ownership: Ownership
    /// What kind of hardware it is.
    public let deviceClass: DeviceClass
    /// For medical devices, which kind.
    public let medicalKind: MedicalDeviceKind?
    /// Its operating system family.
    public let platform: Platform
    /// The manufacturer's model name, such as "Pixel 8".
    public var model: String
    /// The operating system version it last reported.
    public var osVersion: String
    /// A hardware identifier (serial number), kept only when the collection matrix collects it
    /// (by default, for hospital-owned devices).
    public var hardwareID: String?
    /// The device's own name, if it reported one.
    public var name: String?
    /// The device's phone number, kept only when the collection matrix collects it.
    public var phoneNumber: String?
    /// Other hardware identifiers (IMEI, MEID, Wi-Fi MAC address) in the order reported, kept only
    /// when the collection matrix collects them; empty otherwise.
    public var hardwareIdentifiers: [String]
    /// The Ed25519 public key the device proves itself with, base64url.
    public var publicKey: String
    /// Whether it is admitted to the fleet.
    public var approval: ApprovalState
    /// Why it was approved or denied, when an administrator decided.
    public var approvalReason: String?
    /// Who decided its approval; `nil` when it followed from the invitation.
    public var approvalDecidedBy: PersonID?
    /// When its approval was last decided.
    public var approvalDecidedAt: Date?
    /// Its compliance with its security policy.
    public var compliance: ComplianceState
    /// When it enrolled.
    public let enrolledAt: Date
    /// When it last checked in.
    public var lastSeenAt: Date?
    /// When its key was last replaced.
    public var keyRotatedAt: Date?
    /// The posture of its last check-in.
    public var posture: Posture?
    /// Set when it is retired.
    public var retirement: Retirement?
    /// Set while it is reported lost or stolen and not found (`docs/commands.md`, "Lost, stolen, left behind").
    public var loss: DeviceLoss?
    /// When the record last changed (check-ins included).
    public var updatedAt: Date

    /// Creates a device record.
    public init(
        id: DeviceID, personID: PersonID, facilityID: FacilityID?, invitationID: EnrollmentInvitationID,
        ownership: Ownership, deviceClass: DeviceClass, medicalKind: MedicalDeviceKind?, platform: Platform,
        model: String, osVersion: String, hardwareID: String?, name: String?, phoneNumber: String? = nil,
        hardwareIdentifiers: [String] = [], publicKey: String,
        approval: ApprovalState, approvalReason: String? = nil, approvalDecidedBy: PersonID? = nil,
        approvalDecidedAt: Date? = nil, compliance: ComplianceState = .notEvaluated, enrolledAt: Date,
        lastSeenAt: Date? = nil, keyRotatedAt: Date? = nil, posture: Posture? = nil, retirement: Retirement? = nil,
        loss: DeviceLoss? = nil, updatedAt: Date
    ) {
        self.id = id
        self.personID = personID
        self.facilityID = facilityID
        self.invitationID = invitationID
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.medicalKind = medicalKind
        self.platform = platform
        self.model = model
        self.osVersion = osVersion
        self.hardwareID = hardwareID
        self.name = name
        self.phoneNumber = phoneNumber
        self.hardwareIdentifiers = hardwareIdentifiers
        self.publicKey = publicKey
        self.approval = approval
        self.approvalReason = approvalReason
        self.approvalDecidedBy = approvalDecidedBy
        self.approvalDecidedAt = approvalDecidedAt
        self.compliance = compliance
        self.enrolledAt = enrolledAt
        self.lastSeenAt = lastSeenAt
        self.keyRotatedAt = keyRotatedAt
        self.posture = posture
        self.retirement = retirement
        self.loss = loss
        self.updatedAt = updatedAt
    }

    /// Whether it is in service or retired.
    public var status: DeviceStatus { retirement == nil ? .active : .retired }
}

/// The identifier of a ``Device``.
public typealias DeviceID = Identifier<Device>

/// How a device left service, and who answers for its hardware.
public struct Retirement: Codable, Sendable, Equatable {
    /// When it was retired.
    public let retiredAt: Date
    /// Who retired it.
    public let retiredBy: PersonID
    /// What happened to the hardware.
    public let disposition: RetirementDisposition
    /// Who is responsible for the hardware now, such as "Biomedical engineering, R. Okafor".
    public let custodian: String
    /// A free note, such as a ticket number.
    public let note: String?

    /// Records a retirement.
    public init(
        retiredAt: Date, retiredBy: PersonID, disposition: RetirementDisposition, custodian: String, note: String?
    ) {
        self.retiredAt = retiredAt
        self.retiredBy = retiredBy
        self.disposition = disposition
        self.custodian = custodian
        self.note = note
    }
}

extension Device {
    /// Decides a pending device's approval.
    /// - Parameters:
    ///   - approved: Approve, or deny.
    ///   - reason: Why; required for a denial, at most 500 characters.
    ///   - person: The administrator deciding.
    ///   - now: When.
    /// - Throws: ``ValidationError`` when the device is retired or not pending, or the reason is
    ///   missing or invalid.
    public mutating func decideApproval(approved: Bool, reason: String?, by person: PersonID, at now: Date) throws {
        guard retirement == nil else { throw ValidationError(field: "device", message: "is retired") }
        guard approval != (approved ? .approved : .denied) else {
            throw ValidationError(field: "device", message: "is \(approval.rawValue) already")
        }
        let reason = try reason.map { try Validate.text($0, field: "reason", maximumLength: 500) }
        if !approved, reason == nil {
            throw ValidationError(field: "reason", message: "is required to deny a device")
        }
        approval = approved ? .approved : .denied
        approvalReason = reason
        approvalDecidedBy = person
        approvalDecidedAt = now
        updatedAt = now
    }

    /// Retires the device; its credentials stop working and its record stays.
    /// - Throws: ``ValidationError`` when it is retired already or the custodian or note is invalid.
    public mutating func retire(
        disposition: RetirementDisposition, custodian: String, note: String?, by person: PersonID, at now: Date
    ) throws {
        guard retirement == nil else { throw ValidationError(field: "device", message: "is retired already") }
        retirement = Retirement(
            retiredAt: now, retiredBy: person, disposition: disposition,
            custodian: try Validate.text(custodian, field: "custodian", maximumLength: 200),
            note: try note.map { try Validate.text($0, field: "note", maximumLength: 500) })
        updatedAt = now
    }

    /// Replaces the device's public key.
    /// - Throws: ``ValidationError`` when the device is retired or the key is not an Ed25519 key.
    public mutating func rotateKey(to publicKey: String, at now: Date) throws {
        guard retirement == nil else { throw ValidationError(field: "device", message: "is retired") }
        guard DevicePublicKey(publicKey) != nil else {
            throw ValidationError(field: "publicKey", message: "is not a base64url Ed25519 public key")
        }
        self.publicKey = publicKey
        keyRotatedAt = now
        updatedAt = now
    }
}
