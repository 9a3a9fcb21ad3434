import Foundation

/// Emergency access ("break-glass", HIPAA §164.312(a)(2)(ii)): a clinician on a device states why
/// they need PHI now, and gets it for a short fixed time whatever the device's compliance, place
/// or shift — never on a device that is lost, stolen, retired or denied. Security officers see
/// every one and review it.
public struct EmergencyAccess: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "emg"

    /// Unique identifier.
    public let id: Identifier<EmergencyAccess>
    /// The device it was invoked on.
    public let deviceID: DeviceID
    /// The device's person.
    public let personID: PersonID
    /// Why, in the clinician's words.
    public let reason: String
    /// When it was invoked.
    public let startedAt: Date
    /// When it ends.
    public let expiresAt: Date
    /// The security officer who reviewed it.
    public var reviewedBy: PersonID?
    /// When it was reviewed.
    public var reviewedAt: Date?
    /// The reviewer's conclusion.
    public var reviewNote: String?

    /// Describes an emergency access.
    public init(
        id: Identifier<EmergencyAccess>, deviceID: DeviceID, personID: PersonID, reason: String, startedAt: Date,
        expiresAt: Date, reviewedBy: PersonID? = nil, reviewedAt: Date? = nil, reviewNote: String? = nil
    ) {
        self.id = id
        self.deviceID = deviceID
        self.personID = personID
        self.reason = reason
        self.startedAt = startedAt
        self.expiresAt = expiresAt
        self.reviewedBy = reviewedBy
        self.reviewedAt = reviewedAt
        self.reviewNote = reviewNote
    }

    /// Invokes emergency access on a device.
    /// - Parameters:
    ///   - device: The device.
    ///   - reason: Why; 10 to 500 characters.
    ///   - duration: How long it lasts.
    ///   - now: When.
    /// - Throws: ``ValidationError`` when the reason is too short or too long, or the device is
    ///   lost, stolen, retired or denied (field `device`).
    public static func invoke(on device: Device, reason: String, duration: TimeInterval, at now: Date) throws
        -> EmergencyAccess
    {
        let reason = try Validate.text(reason, field: "reason", maximumLength: 500)
        guard reason.count >= 10 else {
            throw ValidationError(field: "reason", message: "must say why, in at least 10 characters")
        }
        guard device.custody == .inService else {
            throw ValidationError(field: "device", message: "is \(device.custody.rawValue); emergency access never applies to it")
        }
        guard device.approval != .denied else {
            throw ValidationError(field: "device", message: "was denied by an administrator; emergency access never applies to it")
        }
        return EmergencyAccess(
            id: .generate(at: now), deviceID: device.id, personID: device.personID, reason: reason, startedAt: now,
            expiresAt: now.addingTimeInterval(duration))
    }
}
