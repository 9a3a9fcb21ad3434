import Foundation

/// The requirements that govern one kind of device, composed from every policy whose scope
/// matches it (`docs/compliance.md`, "Precedence").
///
/// For each requirement, and for the grace period and the escalation, the most specific matching
/// policy that sets it wins: one that narrows ownership, class and role beats one that narrows
/// two of them, and so on down to a policy for every device. Among equally specific policies the
/// higher ``SecurityPolicy/priority`` wins, then the name that sorts first.
public struct EffectivePolicy: Sendable, Equatable {
    /// The composed requirements; for the OS version, only the device's platform's entry.
    public var requirements = PolicyRequirements()
    /// Which policy imposed each requirement.
    public var sources: [RequirementKind: PolicyReference] = [:]
    /// The grace period, in minutes; 0 when no matching policy sets one.
    public var gracePeriodMinutes = 0
    /// The escalation steps, earliest first.
    public var escalation: [EscalationStep] = []
    /// The policy the escalation comes from.
    public var escalationSource: PolicyReference?
    /// Every matching policy, in precedence order.
    public var matchingPolicies: [PolicyReference] = []
    /// Where and when PHI is allowed: each condition from the most precedent policy that sets it.
    public var conditions = EffectiveConditions()

    /// Composes the effective policy of a device.
    /// - Parameters:
    ///   - policies: Every policy, in precedence order (``PolicySet/ordered``).
    ///   - ownership: The device's ownership.
    ///   - deviceClass: Its class.
    ///   - platform: Its platform, which picks the OS version entry.
    ///   - roles: Its person's roles.
    public init(
        policies: [SecurityPolicy], ownership: Ownership, deviceClass: DeviceClass, platform: Platform, roles: Set<Role>
    ) {
        var graceSet = false
        var conditionsTaken: Set<PartialKeyPath<AccessConditions>> = []
        for policy in policies where policy.scope.matches(ownership: ownership, deviceClass: deviceClass, roles: roles) {
            let reference = PolicyReference(name: policy.name, version: policy.version)
            matchingPolicies.append(reference)
            let offered = policy.requirements
            func take<Value>(_ kind: RequirementKind, _ path: WritableKeyPath<PolicyRequirements, Value?>, _ value: Value?) {
                guard requirements[keyPath: path] == nil, let value else { return }
                requirements[keyPath: path] = value
                sources[kind] = reference
            }
            take(.minimumOSVersion, \.minimumOSVersion, offered.minimumOSVersion?[platform].map { [platform: $0] })
            take(.maximumPatchAgeDays, \.maximumPatchAgeDays, offered.maximumPatchAgeDays)
            take(.passcodeRequired, \.passcodeRequired, offered.passcodeRequired)
            take(.minimumPasscodeLength, \.minimumPasscodeLength, offered.minimumPasscodeLength)
            take(.storageEncryptionRequired, \.storageEncryptionRequired, offered.storageEncryptionRequired)
            take(.jailbreakForbidden, \.jailbreakForbidden, offered.jailbreakForbidden)
            take(.maximumScreenLockSeconds, \.maximumScreenLockSeconds, offered.maximumScreenLockSeconds)
            take(.minimumAgentVersion, \.minimumAgentVersion, offered.minimumAgentVersion)
            take(.approvedModels, \.approvedModels, offered.approvedModels)
            take(.maximumDaysSinceCheckIn, \.maximumDaysSinceCheckIn, offered.maximumDaysSinceCheckIn)
            if !graceSet, let minutes = policy.gracePeriodMinutes {
                gracePeriodMinutes = minutes
                graceSet = true
            }
            if let offered = policy.conditions { conditions.take(offered, taken: &conditionsTaken) }
            if escalationSource == nil, let steps = policy.escalation {
                escalation = steps
                escalationSource = reference
            }
        }
    }
}

/// A policy as a compliance report names it.
public struct PolicyReference: Codable, Sendable, Equatable, Hashable {
    /// The policy's name.
    public var name: String
    /// The version that was applied.
    public var version: Int

    /// Names a policy version.
    public init(name: String, version: Int) {
        self.name = name
        self.version = version
    }
}

/// The organization's policies, kept in precedence order.
public struct PolicySet: Sendable, Equatable {
    /// Every policy, most precedent first.
    public let ordered: [SecurityPolicy]

    /// Orders policies by precedence: specificity, then priority, then name.
    public init(_ policies: [SecurityPolicy]) {
        ordered = policies.sorted { left, right in
            if left.scope.specificity != right.scope.specificity { return left.scope.specificity > right.scope.specificity }
            if left.priority != right.priority { return left.priority > right.priority }
            return left.name < right.name
        }
    }

    /// The policy named `name`, if any.
    public func policy(named name: String) -> SecurityPolicy? { ordered.first { $0.name == name } }
}
