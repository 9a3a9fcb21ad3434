import Foundation

/// What an enrolling device says about itself.
public struct DeviceFacts: Codable, Sendable, Equatable {
    /// Its operating system family.
    public var platform: Platform
    /// The manufacturer's model name.
    public var model: String
    /// The operating system version.
    public var osVersion: String
    /// A hardware identifier (serial number); dropped unless the collection matrix collects it.
    public var hardwareID: String?
    /// The device's own name.
    public var name: String?
    /// The device's phone number; dropped unless the collection matrix collects it.
    public var phoneNumber: String?
    /// Other hardware identifiers (IMEI, MEID, Wi-Fi MAC address), at most
    /// ``maximumHardwareIdentifiers``; dropped unless the collection matrix collects them.
    public var hardwareIdentifiers: [String]?

    /// Describes a device.
    public init(
        platform: Platform, model: String, osVersion: String, hardwareID: String? = nil, name: String? = nil,
        phoneNumber: String? = nil, hardwareIdentifiers: [String]? = nil
    ) {
        self.platform = platform
        self.model = model
        self.osVersion = osVersion
        self.hardwareID = hardwareID
        self.name = name
        self.phoneNumber = phoneNumber
        self.hardwareIdentifiers = hardwareIdentifiers
    }
}

/// Why an enrollment code was refused.
public enum EnrollmentRefusal: String, Error, Sendable, CaseIterable {
    case unknownCode = "unknown_code"
    case used
    case revoked
    case expired
    case personSuspended = "person_suspended"
    case badProof = "bad_proof"

    /// What to tell the person enrolling.
    public var message: String {
        switch self {
        case .unknownCode: "This enrollment code is not valid; check it, or ask for a new invitation."
        case .used: "This enrollment code was used already; ask your administrator for a new invitation."
        case .revoked: "This enrollment invitation was revoked; ask your administrator for a new one."
        case .expired: "This enrollment code has expired; ask your administrator for a new invitation."
        case .personSuspended: "The person this invitation is for is suspended; no device can enroll for them."
        case .badProof: "The enrollment proof does not match the public key; the agent must sign with its new key."
        }
    }
}

/// The rule that turns an invitation and an enrolling device into a device record.
public enum Enrollment {
    /// The text a device signs with its new key to prove it holds the private key.
    public static func proofMessage(code: EnrollmentCode, publicKey: String) -> Data {
        Data("vigil-enroll-v1\n\(code.normalized)\n\(publicKey)".utf8)
    }

    /// Admits a device.
    /// - Parameters:
    ///   - invitation: The invitation the code belongs to; `nil` when no invitation has it.
    ///   - person: The person the invitation is for, as they are now.
    ///   - code: The code presented.
    ///   - facts: What the device says about itself.
    ///   - publicKey: The device's new Ed25519 public key, base64url.
    ///   - proof: The device's signature of ``proofMessage(code:publicKey:)`` with that key.
    ///   - settings: The BYOD program's approval rules and collection matrix.
    ///   - now: The time of enrollment.
    /// - Returns: The new device, holding only the facts its ownership may give: hospital-owned
    ///   devices approved at once; personal ones approved, denied or left pending by the
    ///   approval rules, with the reasons.
    /// - Throws: ``EnrollmentRefusal`` for a code that may not be used or a bad proof;
    ///   ``ValidationError`` for invalid facts.
    public static func admit(
        invitation: EnrollmentInvitation?, person: EnrollingPerson?, code: EnrollmentCode, facts: DeviceFacts,
        publicKey: String, proof: String, settings: BYODSettings = BYODSettings(), at now: Date
    ) throws -> Device {
        guard let invitation else { throw EnrollmentRefusal.unknownCode }
        switch invitation.state(at: now) {
        case .active: break
        case .used: throw EnrollmentRefusal.used
        case .revoked: throw EnrollmentRefusal.revoked
        case .expired: throw EnrollmentRefusal.expired
        }
        guard let person, person.status == .active else { throw EnrollmentRefusal.personSuspended }
        guard let key = DevicePublicKey(publicKey) else {
            throw ValidationError(field: "publicKey", message: "is not a base64url Ed25519 public key")
        }
        guard key.isValidSignature(proof, of: proofMessage(code: code, publicKey: publicKey)) else {
            throw EnrollmentRefusal.badProof
        }
        let optionalText = { (value: String?, field: String) throws -> String? in
            try value.map { try Validate.text($0, field: field, maximumLength: 128) }
        }
        let ownership = invitation.ownership
        let facts = settings.collection.collectable(facts, for: ownership)
        var approval = ownership.approvalAtEnrollment
        var approvalReason: String?
        if let rules = settings.approvalRules(for: ownership) {
            switch rules.verdict(for: facts, devicesInService: person.personalDevicesInService) {
            case .approve:
                approval = .approved
                approvalReason = "met the \(ownership.rawValue) approval rules"
            case .deny(let reasons):
                approval = .denied
                approvalReason = "denied by the \(ownership.rawValue) approval rules: " + reasons.joined(separator: "; ")
            case .review(let reasons):
                approvalReason = "waiting for an administrator: " + reasons.joined(separator: "; ")
            }
        }
        return Device(
            id: .generate(at: now), personID: invitation.personID, facilityID: invitation.facilityID,
            invitationID: invitation.id, ownership: ownership, deviceClass: invitation.deviceClass,
            medicalKind: invitation.medicalKind, platform: facts.platform,
            model: try Validate.text(facts.model, field: "facts.model", maximumLength: 128),
            osVersion: try Validate.text(facts.osVersion, field: "facts.osVersion", maximumLength: 64),
            hardwareID: try optionalText(facts.hardwareID, "facts.hardwareID"),
            name: try optionalText(facts.name, "facts.name"), phoneNumber: try facts.validatedPhoneNumber(),
            hardwareIdentifiers: try facts.validatedHardwareIdentifiers(), publicKey: publicKey,
            approval: approval, approvalReason: approvalReason.map { String($0.prefix(500)) },
            approvalDecidedAt: approvalReason == nil ? nil : now, enrolledAt: now, updatedAt: now)
    }
}

/// The person an invitation is for, as enrollment sees them.
public struct EnrollingPerson: Sendable, Equatable {
    /// Whether they may act.
    public var status: PersonStatus
    /// How many personal devices of theirs are in service and not denied, for the approval
    /// rules' limit.
    public var personalDevicesInService: Int

    /// Describes the person.
    public init(status: PersonStatus, personalDevicesInService: Int) {
        self.status = status
        self.personalDevicesInService = personalDevicesInService
    }
}

/// A device's Ed25519 public key, as it travels: 32 bytes, base64url without padding.
public struct DevicePublicKey: Sendable {
    private let key: Curve25519SigningPublicKey

    /// Reads a key.
    /// - Parameter text: base64url of the 32 raw bytes.
    /// - Returns: `nil` when it is not an Ed25519 public key.
    public init?(_ text: String) {
        guard text.utf8.count <= 64, let bytes = Base64URL.decode(text), bytes.count == 32,
            let key = try? Curve25519SigningPublicKey(rawRepresentation: bytes)
        else { return nil }
        self.key = key
    }

    /// Whether `signature` (base64url, 64 bytes) is this key's signature of exactly `message`.
    public func isValidSignature(_ signature: String, of message: Data) -> Bool {
        guard signature.utf8.count <= 128, let bytes = Base64URL.decode(signature), bytes.count == 64 else {
            return false
        }
        return key.isValidSignature(bytes, for: message)
    }
}
