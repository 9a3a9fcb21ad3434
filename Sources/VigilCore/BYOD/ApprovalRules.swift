import Foundation

/// The rules that decide, at enrollment, what becomes of a personal device (`docs/byod.md`,
/// "Approval and provisioning"): approved at once, denied with the reason, or left for an
/// administrator.
///
/// Hard rules deny: a platform not allowed, a blocked model, one device too many for the person.
/// Soft rules send the device to an administrator: an operating system older than the minimum, a
/// model not on the allowed list, or rules that do not approve automatically at all. A device
/// that meets every rule is approved when ``autoApprove`` is on.
public struct ApprovalRules: Codable, Sendable, Equatable {
    /// Approve a device that meets every rule without waiting for an administrator.
    public var autoApprove: Bool
    /// The platforms allowed; every platform when empty.
    public var allowedPlatforms: Set<Platform>
    /// The oldest operating system version allowed, per platform.
    public var minimumOSVersions: [Platform: String]
    /// Models approved without review; any model when empty. `*` at the end matches any rest;
    /// matching ignores case.
    public var allowedModels: [String]
    /// Models refused; same matching as ``allowedModels``.
    public var blockedModels: [String]
    /// The most personal devices in service one person may have; no limit when `nil`.
    public var maximumDevicesPerPerson: Int?

    /// Describes rules; the defaults send every device to an administrator, as before any rule.
    public init(
        autoApprove: Bool = false, allowedPlatforms: Set<Platform> = [], minimumOSVersions: [Platform: String] = [:],
        allowedModels: [String] = [], blockedModels: [String] = [], maximumDevicesPerPerson: Int? = nil
    ) {
        self.autoApprove = autoApprove
        self.allowedPlatforms = allowedPlatforms
        self.minimumOSVersions = minimumOSVersions
        self.allowedModels = allowedModels
        self.blockedModels = blockedModels
        self.maximumDevicesPerPerson = maximumDevicesPerPerson
    }

    /// What the rules decided about one device, with every reason.
    public enum Verdict: Sendable, Equatable {
        /// Meets every rule and the rules approve automatically.
        case approve
        /// Breaks a hard rule.
        case deny(reasons: [String])
        /// Waits for an administrator, for these reasons.
        case review(reasons: [String])
    }

    /// Judges an enrolling device.
    /// - Parameters:
    ///   - facts: What the device says about itself.
    ///   - devicesInService: How many personal devices of the person are in service already.
    /// - Returns: The verdict; a device breaking hard rules is denied even if it also breaks soft ones.
    public func verdict(for facts: DeviceFacts, devicesInService: Int) -> Verdict {
        var hard: [String] = []
        var soft: [String] = []
        if !allowedPlatforms.isEmpty, !allowedPlatforms.contains(facts.platform) {
            let allowed = allowedPlatforms.map(\.rawValue).sorted().joined(separator: ", ")
            hard.append("platform \(facts.platform.rawValue) is not allowed (allowed: \(allowed))")
        }
        if blockedModels.contains(where: { Self.model(facts.model, matches: $0) }) {
            hard.append("model \(facts.model) is blocked")
        }
        if let limit = maximumDevicesPerPerson, devicesInService >= limit {
            hard.append("the person has \(devicesInService) personal devices in service; the limit is \(limit)")
        }
        if let minimum = minimumOSVersions[facts.platform], let required = SoftwareVersion(minimum) {
            if let version = SoftwareVersion(facts.osVersion) {
                if version < required { soft.append("\(facts.platform.rawValue) \(facts.osVersion) is older than \(minimum)") }
            } else {
                soft.append("operating system version \(facts.osVersion) cannot be compared with \(minimum)")
            }
        }
        if !allowedModels.isEmpty, !allowedModels.contains(where: { Self.model(facts.model, matches: $0) }) {
            soft.append("model \(facts.model) is not on the allowed list")
        }
        if !hard.isEmpty { return .deny(reasons: hard) }
        if !soft.isEmpty { return .review(reasons: soft) }
        return autoApprove ? .approve : .review(reasons: ["the rules do not approve devices automatically"])
    }

    /// Whether `model` matches `pattern`: equal ignoring case, or starting with the pattern's text
    /// before a final `*`.
    static func model(_ model: String, matches pattern: String) -> Bool {
        let model = model.lowercased()
        let pattern = pattern.lowercased()
        if pattern.hasSuffix("*") { return model.hasPrefix(pattern.dropLast()) }
        return model == pattern
    }

    /// The most models either list may hold.
    public static let maximumModels = 500

    /// Checks the rules.
    /// - Parameter field: The path of the rules in the request or file, for error messages.
    /// - Throws: ``ValidationError`` naming the field at fault: a minimum version that is not a
    ///   version, an empty or oversized model pattern, a `*` other than at the end, a limit out of range.
    public func validated(field: String = "approvalRules") throws -> ApprovalRules {
        for (platform, version) in minimumOSVersions where SoftwareVersion(version) == nil {
            throw ValidationError(
                field: "\(field).minimumOSVersions.\(platform.rawValue)", message: "is not a version such as 17.4")
        }
        for (name, models) in [("allowedModels", allowedModels), ("blockedModels", blockedModels)] {
            guard models.count <= Self.maximumModels else {
                throw ValidationError(field: "\(field).\(name)", message: "must list at most \(Self.maximumModels) models")
            }
            for (index, model) in models.enumerated() {
                _ = try Validate.text(model, field: "\(field).\(name)[\(index)]", maximumLength: 128)
                guard !model.dropLast().contains("*"), model != "*" || name == "allowedModels" else {
                    throw ValidationError(
                        field: "\(field).\(name)[\(index)]", message: "may use * only at the end of a model name")
                }
            }
        }
        if let limit = maximumDevicesPerPerson, !(1...100).contains(limit) {
            throw ValidationError(field: "\(field).maximumDevicesPerPerson", message: "must be between 1 and 100")
        }
        return self
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case autoApprove, allowedPlatforms, minimumOSVersions, allowedModels, blockedModels, maximumDevicesPerPerson
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        autoApprove = try container.decodeIfPresent(Bool.self, forKey: .autoApprove) ?? false
        allowedPlatforms = try container.decodeIfPresent(Set<Platform>.self, forKey: .allowedPlatforms) ?? []
        let minimums = try container.decodeIfPresent([String: String].self, forKey: .minimumOSVersions) ?? [:]
        var versions: [Platform: String] = [:]
        for (name, version) in minimums {
            guard let platform = Platform(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .minimumOSVersions, in: container, debugDescription: "unknown platform \(name)")
            }
            versions[platform] = version
        }
        minimumOSVersions = versions
        allowedModels = try container.decodeIfPresent([String].self, forKey: .allowedModels) ?? []
        blockedModels = try container.decodeIfPresent([String].self, forKey: .blockedModels) ?? []
        maximumDevicesPerPerson = try container.decodeIfPresent(Int.self, forKey: .maximumDevicesPerPerson)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(autoApprove, forKey: .autoApprove)
        try container.encode(allowedPlatforms.map(\.rawValue).sorted(), forKey: .allowedPlatforms)
        try container.encode(
            Dictionary(uniqueKeysWithValues: minimumOSVersions.map { ($0.key.rawValue, $0.value) }),
            forKey: .minimumOSVersions)
        try container.encode(allowedModels, forKey: .allowedModels)
        try container.encode(blockedModels, forKey: .blockedModels)
        try container.encodeIfPresent(maximumDevicesPerPerson, forKey: .maximumDevicesPerPerson)
    }
}
