import Foundation

/// An administrator's invitation to enroll one device for one person. It yields a one-time
/// ``EnrollmentCode``; Vigil stores only the code's hash.
public struct EnrollmentInvitation: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "inv"

    /// Unique identifier.
    public let id: EnrollmentInvitationID
    /// The person the device will belong to (a staff member or a patient).
    public let personID: PersonID
    /// The facility the device will belong to, if any.
    public let facilityID: FacilityID?
    /// Who will own the device.
    public let ownership: Ownership
    /// What kind of device is expected.
    public let deviceClass: DeviceClass
    /// For medical devices, which kind.
    public let medicalKind: MedicalDeviceKind?
    /// A note for administrators, such as "replacement for the lost tablet".
    public let note: String?
    /// Who created it.
    public let createdBy: PersonID?
    /// When it was created.
    public let createdAt: Date
    /// After this instant the code is refused.
    public let expiresAt: Date
    /// When a device enrolled with it.
    public var usedAt: Date?
    /// The device that enrolled with it.
    public var deviceID: DeviceID?
    /// When it was revoked.
    public var revokedAt: Date?

    /// Creates an invitation record.
    public init(
        id: EnrollmentInvitationID, personID: PersonID, facilityID: FacilityID?, ownership: Ownership,
        deviceClass: DeviceClass, medicalKind: MedicalDeviceKind?, note: String?, createdBy: PersonID?,
        createdAt: Date, expiresAt: Date, usedAt: Date? = nil, deviceID: DeviceID? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.personID = personID
        self.facilityID = facilityID
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.medicalKind = medicalKind
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.deviceID = deviceID
        self.revokedAt = revokedAt
    }

    /// Where an invitation stands at a given time.
    public enum State: String, Codable, CaseIterable, Sendable {
        /// Its code may be used.
        case active
        /// A device enrolled with it.
        case used
        /// An administrator revoked it.
        case revoked
        /// It ran out.
        case expired
    }

    /// Its state at `now`.
    public func state(at now: Date) -> State {
        if usedAt != nil { return .used }
        if revokedAt != nil { return .revoked }
        if expiresAt <= now { return .expired }
        return .active
    }

    /// The longest an invitation may stay open, in hours (30 days).
    public static let maximumLifetimeHours = 720

    /// Makes a new invitation under the rules every way of creating one shares.
    /// - Parameters:
    ///   - person: The person the device is for; must be active.
    ///   - facilityID: The device's facility, if any.
    ///   - ownership: Who will own it.
    ///   - deviceClass: What kind of device it is.
    ///   - medicalKind: Required for medical devices, refused for others.
    ///   - note: A note for administrators, at most 200 characters.
    ///   - lifetimeHours: Hours until the code expires, 1 to 720.
    ///   - createdBy: The administrator.
    ///   - now: The creation time.
    /// - Returns: The invitation and its code, which is shown once.
    /// - Throws: ``ValidationError`` naming the field at fault.
    public static func issue(
        for person: Person, facilityID: FacilityID?, ownership: Ownership, deviceClass: DeviceClass,
        medicalKind: MedicalDeviceKind?, note: String?, lifetimeHours: Int, createdBy: PersonID?, at now: Date
    ) throws -> (invitation: EnrollmentInvitation, code: EnrollmentCode) {
        guard person.status == .active else {
            throw ValidationError(field: "personID", message: "names a suspended person")
        }
        if deviceClass == .medicalDevice, medicalKind == nil {
            throw ValidationError(field: "medicalKind", message: "is required for a medical device")
        }
        if deviceClass != .medicalDevice, medicalKind != nil {
            throw ValidationError(field: "medicalKind", message: "applies to medical devices only")
        }
        if [.patientIssued, .patientOwned].contains(ownership), !person.roles.contains(.patient) {
            throw ValidationError(field: "ownership", message: "\(ownership.rawValue) devices are for patients only")
        }
        if let facilityID, !person.facilityIDs.contains(facilityID), !person.roles.contains(.patient) {
            throw ValidationError(field: "facilityID", message: "is not one of the person's facilities")
        }
        guard (1...maximumLifetimeHours).contains(lifetimeHours) else {
            throw ValidationError(field: "expiresInHours", message: "must be between 1 and \(maximumLifetimeHours)")
        }
        let invitation = EnrollmentInvitation(
            id: .generate(at: now), personID: person.id, facilityID: facilityID, ownership: ownership,
            deviceClass: deviceClass, medicalKind: medicalKind,
            note: try note.map { try Validate.text($0, field: "note", maximumLength: 200) }, createdBy: createdBy,
            createdAt: now, expiresAt: now.addingTimeInterval(Double(lifetimeHours) * 3_600))
        return (invitation, EnrollmentCode.generate())
    }
}

/// The identifier of an ``EnrollmentInvitation``.
public typealias EnrollmentInvitationID = Identifier<EnrollmentInvitation>

/// The one-time code of an invitation: 100 random bits as 20 Crockford base-32 characters in
/// groups of five, easy to type on a phone (`K7QF2-9M2XA-…`). Vigil stores only its hash.
public struct EnrollmentCode: Sendable, Equatable, CustomStringConvertible {
    /// The code in its normalized form: 20 characters, no dashes.
    public let normalized: String

    /// Makes a new random code.
    public static func generate() -> EnrollmentCode {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<20).map { _ in ULID.alphabet[Int(generator.next() % 32)] }
        return EnrollmentCode(normalized: String(characters))
    }

    private init(normalized: String) {
        self.normalized = normalized
    }

    /// Reads a code as a person typed it: any case, with or without dashes and spaces, with the
    /// letters O, I and L read as the digits they resemble.
    /// - Parameter typed: The text.
    /// - Returns: `nil` unless it is 20 characters of the code alphabet.
    public init?(typed: String) {
        guard typed.utf8.count <= 64 else { return nil }
        var characters: [Character] = []
        for character in typed.uppercased() where character != "-" && character != " " {
            switch character {
            case "O": characters.append("0")
            case "I", "L": characters.append("1")
            case let other where ULID.alphabet.contains(other): characters.append(other)
            default: return nil
            }
        }
        guard characters.count == 20 else { return nil }
        self.normalized = String(characters)
    }

    /// The code as shown to people, in four groups of five.
    public var display: String {
        stride(from: 0, to: 20, by: 5).map { start in
            let from = normalized.index(normalized.startIndex, offsetBy: start)
            return String(normalized[from..<normalized.index(from, offsetBy: 5)])
        }.joined(separator: "-")
    }

    /// The hex SHA-256 of the normalized code: the only form in which Vigil stores it.
    public var hash: String { SHA256Hex.of(normalized) }

    /// Never the code itself, so that interpolating it into a log line leaks nothing.
    public var description: String { "EnrollmentCode(redacted)" }
}

extension EnrollmentInvitation {
    /// Revokes the invitation so that its code is refused; revoking twice keeps the first time.
    /// - Throws: ``ValidationError`` when a device has enrolled with it already.
    public mutating func revoke(at now: Date) throws {
        guard usedAt == nil else {
            throw ValidationError(field: "invitation", message: "was used already; retire the device instead")
        }
        revokedAt = revokedAt ?? now
    }
}
