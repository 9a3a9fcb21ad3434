import Foundation

/// A named, versioned security policy: what a device must satisfy to be compliant, which devices
/// it governs, and what happens when one stops complying (`docs/compliance.md`).
///
/// A policy sets only the requirements it cares about; the others stay `nil` and are left to
/// other policies. Its ``version`` counts its changes and is kept by the store.
public struct SecurityPolicy: Codable, Sendable, Equatable {
    /// The unique name, which policy files and routes use to name it, such as `byod-phones`.
    public var name: String
    /// What it is for, for people to read.
    public var description: String?
    /// 1 for a new policy, and one more at every change of its content.
    public var version: Int
    /// Breaks ties between policies of the same specificity: the higher wins.
    public var priority: Int
    /// The devices it governs.
    public var scope: PolicyScope
    /// What it requires.
    public var requirements: PolicyRequirements
    /// How long a device that stops complying keeps access before it is noncompliant, in minutes.
    public var gracePeriodMinutes: Int?
    /// What happens, and when, after a device stops complying.
    public var escalation: [EscalationStep]?
    /// Where and when the policy allows PHI: inside a facility, on shift (`docs/geofencing.md`).
    public var conditions: AccessConditions?

    /// Describes a policy.
    public init(
        name: String, description: String? = nil, version: Int = 1, priority: Int = 0, scope: PolicyScope = PolicyScope(),
        requirements: PolicyRequirements, gracePeriodMinutes: Int? = nil, escalation: [EscalationStep]? = nil,
        conditions: AccessConditions? = nil
    ) {
        self.name = name
        self.description = description
        self.version = version
        self.priority = priority
        self.scope = scope
        self.requirements = requirements
        self.gracePeriodMinutes = gracePeriodMinutes
        self.escalation = escalation
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case name, description, version, priority, scope, requirements, gracePeriodMinutes, escalation, conditions
    }

    /// Reads a policy; the version, priority, scope and requirements may be left out (1, 0, every
    /// device, none).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0
        scope = try container.decodeIfPresent(PolicyScope.self, forKey: .scope) ?? PolicyScope()
        requirements = try container.decodeIfPresent(PolicyRequirements.self, forKey: .requirements) ?? PolicyRequirements()
        gracePeriodMinutes = try container.decodeIfPresent(Int.self, forKey: .gracePeriodMinutes)
        escalation = try container.decodeIfPresent([EscalationStep].self, forKey: .escalation)
        conditions = try container.decodeIfPresent(AccessConditions.self, forKey: .conditions)
    }

    /// Whether two policies say the same thing, whatever their versions.
    public func hasSameContent(as other: SecurityPolicy) -> Bool {
        var other = other
        other.version = version
        return self == other
    }

    /// The longest grace period a policy may set: 30 days.
    public static let maximumGracePeriodMinutes = 43_200
    /// The most escalation steps a policy may set.
    public static let maximumEscalationSteps = 8

    /// Checks every field and returns the policy with its texts trimmed.
    /// - Throws: ``ValidationError`` naming the first field at fault, as a path such as
    ///   `requirements.minimumOSVersion.ios`.
    public func validated() throws -> SecurityPolicy {
        var policy = self
        policy.name = try Self.validatedName(name)
        policy.description = try description.map { try Validate.text($0, field: "description", maximumLength: 1_000) }
        guard (-1_000...1_000).contains(priority) else {
            throw ValidationError(field: "priority", message: "must be between -1000 and 1000")
        }
        policy.scope = try scope.validated()
        policy.requirements = try requirements.validated()
        if let minutes = gracePeriodMinutes, !(0...Self.maximumGracePeriodMinutes).contains(minutes) {
            throw ValidationError(
                field: "gracePeriodMinutes", message: "must be between 0 and \(Self.maximumGracePeriodMinutes)")
        }
        if let steps = escalation {
            guard steps.count <= Self.maximumEscalationSteps else {
                throw ValidationError(field: "escalation", message: "must have at most \(Self.maximumEscalationSteps) steps")
            }
            for (index, step) in steps.enumerated() where !(0...525_600).contains(step.afterMinutes) {
                throw ValidationError(field: "escalation[\(index)].afterMinutes", message: "must be between 0 and 525600")
            }
            policy.escalation = steps.sorted { $0.afterMinutes < $1.afterMinutes }
        }
        policy.conditions = try conditions?.validated()
        if policy.conditions?.isEmpty == true { policy.conditions = nil }
        return policy
    }

    /// Checks a policy name: 1 to 64 lowercase letters, digits, `-` and `_`, starting with a letter.
    /// - Throws: ``ValidationError`` on field `name`.
    public static func validatedName(_ name: String) throws -> String {
        try Validate.slug(name, field: "name")
    }
}

/// The devices a policy governs: those whose ownership, class and owner's roles are all listed.
/// A dimension left out (`nil`) matches every device.
public struct PolicyScope: Codable, Sendable, Equatable {
    /// The ownerships it governs.
    public var ownership: [Ownership]?
    /// The device classes it governs.
    public var deviceClass: [DeviceClass]?
    /// The roles it governs: a device whose person holds any of them.
    public var role: [Role]?

    /// Describes a scope; everything by default.
    public init(ownership: [Ownership]? = nil, deviceClass: [DeviceClass]? = nil, role: [Role]? = nil) {
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.role = role
    }

    /// How many dimensions it narrows: a more specific policy takes precedence.
    public var specificity: Int {
        (ownership == nil ? 0 : 1) + (deviceClass == nil ? 0 : 1) + (role == nil ? 0 : 1)
    }

    /// Whether it governs a device of this ownership and class, held by a person with these roles.
    public func matches(ownership: Ownership, deviceClass: DeviceClass, roles: Set<Role>) -> Bool {
        (self.ownership?.contains(ownership) ?? true) && (self.deviceClass?.contains(deviceClass) ?? true)
            && (self.role.map { !roles.isDisjoint(with: $0) } ?? true)
    }

    func validated() throws -> PolicyScope {
        func check<Value>(_ values: [Value]?, _ field: String) throws {
            if let values, values.isEmpty {
                throw ValidationError(field: "scope.\(field)", message: "must list at least one value, or be left out to match all")
            }
        }
        try check(ownership, "ownership")
        try check(deviceClass, "deviceClass")
        try check(role, "role")
        func sorted<Value: RawRepresentable>(_ values: [Value]?) -> [Value]? where Value.RawValue == String {
            values.map { Array(Set($0.map(\.rawValue))).sorted().compactMap(Value.init(rawValue:)) }
        }
        return PolicyScope(ownership: sorted(ownership), deviceClass: sorted(deviceClass), role: sorted(role))
    }
}

/// One step of a policy's escalation: an action due some time after a device stops complying.
public struct EscalationStep: Codable, Sendable, Equatable {
    /// Minutes after the device first failed.
    public var afterMinutes: Int
    /// What to do.
    public var action: EscalationAction

    /// Describes a step.
    public init(afterMinutes: Int, action: EscalationAction) {
        self.afterMinutes = afterMinutes
        self.action = action
    }
}

/// What an escalation does to a device that stays noncompliant. Each becomes a due action; the
/// command queue turns due actions into commands.
public enum EscalationAction: String, Codable, CaseIterable, Sendable {
    /// Tell the device's person what to fix.
    case notify
    /// Block the device's PHI apps.
    case blockPHI = "block_phi"
    /// Lock the device.
    case lock
    /// Remove managed apps, their data and PHI keys.
    case selectiveWipe = "selective_wipe"
}
