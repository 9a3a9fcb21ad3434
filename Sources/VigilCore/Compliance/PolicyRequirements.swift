import Foundation

/// What a policy requires of a device. Every requirement is optional: `nil` leaves it to other
/// policies.
public struct PolicyRequirements: Codable, Sendable, Equatable {
    /// The oldest operating system version allowed, per platform, such as `ios: "17.0"`.
    public var minimumOSVersion: [Platform: String]?
    /// The most days since the device's latest security patch (a patch date more than a day in the
    /// future fails: the device misreports it).
    public var maximumPatchAgeDays: Int?
    /// Whether a passcode must be set.
    public var passcodeRequired: Bool?
    /// The shortest passcode allowed, in characters.
    public var minimumPasscodeLength: Int?
    /// Whether storage must be encrypted.
    public var storageEncryptionRequired: Bool?
    /// Whether jailbroken or rooted devices are refused.
    public var jailbreakForbidden: Bool?
    /// The longest inactivity before the screen locks, in seconds (HIPAA §164.312(a)(2)(iii)).
    public var maximumScreenLockSeconds: Int?
    /// The oldest Vigil agent version allowed.
    public var minimumAgentVersion: String?
    /// The models allowed, as devices report them, such as "Pixel 8".
    public var approvedModels: [String]?
    /// The most days since the device last checked in.
    public var maximumDaysSinceCheckIn: Int?

    /// Describes requirements; none by default.
    public init(
        minimumOSVersion: [Platform: String]? = nil, maximumPatchAgeDays: Int? = nil, passcodeRequired: Bool? = nil,
        minimumPasscodeLength: Int? = nil, storageEncryptionRequired: Bool? = nil, jailbreakForbidden: Bool? = nil,
        maximumScreenLockSeconds: Int? = nil, minimumAgentVersion: String? = nil, approvedModels: [String]? = nil,
        maximumDaysSinceCheckIn: Int? = nil
    ) {
        self.minimumOSVersion = minimumOSVersion
        self.maximumPatchAgeDays = maximumPatchAgeDays
        self.passcodeRequired = passcodeRequired
        self.minimumPasscodeLength = minimumPasscodeLength
        self.storageEncryptionRequired = storageEncryptionRequired
        self.jailbreakForbidden = jailbreakForbidden
        self.maximumScreenLockSeconds = maximumScreenLockSeconds
        self.minimumAgentVersion = minimumAgentVersion
        self.approvedModels = approvedModels
        self.maximumDaysSinceCheckIn = maximumDaysSinceCheckIn
    }

    private enum CodingKeys: String, CodingKey {
        case minimumOSVersion, maximumPatchAgeDays, passcodeRequired, minimumPasscodeLength,
            storageEncryptionRequired, jailbreakForbidden, maximumScreenLockSeconds, minimumAgentVersion,
            approvedModels, maximumDaysSinceCheckIn
    }

    // A dictionary keyed by an enum encodes as an array in Codable; platforms are written as an
    // object keyed by their names instead, as people write them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let versions = try container.decodeIfPresent([String: String].self, forKey: .minimumOSVersion) {
            var byPlatform: [Platform: String] = [:]
            for (name, version) in versions {
                guard let platform = Platform(rawValue: name) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .minimumOSVersion, in: container,
                        debugDescription: "'\(name)' is not a platform; use one of "
                            + Platform.allCases.map(\.rawValue).joined(separator: ", "))
                }
                byPlatform[platform] = version
            }
            minimumOSVersion = byPlatform
        }
        maximumPatchAgeDays = try container.decodeIfPresent(Int.self, forKey: .maximumPatchAgeDays)
        passcodeRequired = try container.decodeIfPresent(Bool.self, forKey: .passcodeRequired)
        minimumPasscodeLength = try container.decodeIfPresent(Int.self, forKey: .minimumPasscodeLength)
        storageEncryptionRequired = try container.decodeIfPresent(Bool.self, forKey: .storageEncryptionRequired)
        jailbreakForbidden = try container.decodeIfPresent(Bool.self, forKey: .jailbreakForbidden)
        maximumScreenLockSeconds = try container.decodeIfPresent(Int.self, forKey: .maximumScreenLockSeconds)
        minimumAgentVersion = try container.decodeIfPresent(String.self, forKey: .minimumAgentVersion)
        approvedModels = try container.decodeIfPresent([String].self, forKey: .approvedModels)
        maximumDaysSinceCheckIn = try container.decodeIfPresent(Int.self, forKey: .maximumDaysSinceCheckIn)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(
            minimumOSVersion.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) },
            forKey: .minimumOSVersion)
        try container.encodeIfPresent(maximumPatchAgeDays, forKey: .maximumPatchAgeDays)
        try container.encodeIfPresent(passcodeRequired, forKey: .passcodeRequired)
        try container.encodeIfPresent(minimumPasscodeLength, forKey: .minimumPasscodeLength)
        try container.encodeIfPresent(storageEncryptionRequired, forKey: .storageEncryptionRequired)
        try container.encodeIfPresent(jailbreakForbidden, forKey: .jailbreakForbidden)
        try container.encodeIfPresent(maximumScreenLockSeconds, forKey: .maximumScreenLockSeconds)
        try container.encodeIfPresent(minimumAgentVersion, forKey: .minimumAgentVersion)
        try container.encodeIfPresent(approvedModels, forKey: .approvedModels)
        try container.encodeIfPresent(maximumDaysSinceCheckIn, forKey: .maximumDaysSinceCheckIn)
    }

    func validated() throws -> PolicyRequirements {
        var checked = self
        func range(_ value: Int?, _ field: String, _ bounds: ClosedRange<Int>) throws {
            if let value, !bounds.contains(value) {
                throw ValidationError(
                    field: "requirements.\(field)", message: "must be between \(bounds.lowerBound) and \(bounds.upperBound)")
            }
        }
        func version(_ text: String, _ field: String) throws -> String {
            let text = try Validate.text(text, field: "requirements.\(field)", maximumLength: 32)
            guard SoftwareVersion(text) != nil else {
                throw ValidationError(field: "requirements.\(field)", message: "must be a version such as 17.4 or 14")
            }
            return text
        }
        if let versions = minimumOSVersion {
            checked.minimumOSVersion = [:]
            for platform in Platform.allCases {
                guard let minimum = versions[platform] else { continue }
                checked.minimumOSVersion?[platform] = try version(minimum, "minimumOSVersion.\(platform.rawValue)")
            }
        }
        try range(maximumPatchAgeDays, "maximumPatchAgeDays", 0...3_650)
        // Devices report the passcode's length in bands; the longest starts at 12.
        try range(minimumPasscodeLength, "minimumPasscodeLength", 1...PasscodeLengthClass.veryLong.minimumLength)
        try range(maximumScreenLockSeconds, "maximumScreenLockSeconds", 1...86_400)
        try range(maximumDaysSinceCheckIn, "maximumDaysSinceCheckIn", 1...3_650)
        checked.minimumAgentVersion = try minimumAgentVersion.map { try version($0, "minimumAgentVersion") }
        if let models = approvedModels {
            guard (1...500).contains(models.count) else {
                throw ValidationError(field: "requirements.approvedModels", message: "must list 1 to 500 models")
            }
            checked.approvedModels = try models.enumerated().map { index, model in
                try Validate.text(model, field: "requirements.approvedModels[\(index)]", maximumLength: 200)
            }
        }
        return checked
    }
}

/// One thing a policy can require, named as in policy files and compliance reports.
public enum RequirementKind: String, Codable, CaseIterable, Sendable {
    case minimumOSVersion
    case maximumPatchAgeDays
    case passcodeRequired
    case minimumPasscodeLength
    case storageEncryptionRequired
    case jailbreakForbidden
    case maximumScreenLockSeconds
    case minimumAgentVersion
    case approvedModels
    case maximumDaysSinceCheckIn

    /// Whether failing it leaves PHI exposed at once (no passcode, no encryption, jailbroken):
    /// a device that fails one gets no grace period.
    public var isCritical: Bool {
        switch self {
        case .passcodeRequired, .storageEncryptionRequired, .jailbreakForbidden: true
        default: false
        }
    }

    /// Whether the requirement means anything for this class of device: a medical device has no
    /// passcode, screen lock or jailbreak to check, so those are skipped for it, not failed.
    public func applies(to deviceClass: DeviceClass) -> Bool {
        switch self {
        case .passcodeRequired, .minimumPasscodeLength, .maximumScreenLockSeconds, .jailbreakForbidden:
            deviceClass != .medicalDevice
        default: true
        }
    }
}
