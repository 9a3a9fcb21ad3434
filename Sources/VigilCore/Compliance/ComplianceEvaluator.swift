import Foundation

/// Evaluates devices against the organization's policies: a pure function of the policies, the
/// device, its person's roles, its previous status and the time.
///
/// Effective policies are composed once per kind of device (ownership, class, platform, roles)
/// and reused, so evaluating a fleet costs little more than reading it.
public struct ComplianceEvaluator: Sendable {
    /// The policies, in precedence order.
    public let policies: PolicySet
    /// The BYOD agreements published, which the access decision checks acceptances against.
    public let agreements: AgreementSet
    /// The effective policies composed so far, by kind of device.
    private let composed = EffectivePolicyCache()

    /// An evaluator for `policies` and `agreements`.
    public init(policies: PolicySet, agreements: AgreementSet = AgreementSet()) {
        self.policies = policies
        self.agreements = agreements
    }

    /// The effective policy of a device of this kind, composed once per kind.
    public func effectivePolicy(for device: Device, roles: Set<Role>) -> EffectivePolicy {
        let kind = EffectivePolicyCache.Kind(
            ownership: device.ownership, deviceClass: device.deviceClass, platform: device.platform, roles: roles)
        return composed.policy(for: kind) {
            EffectivePolicy(
                policies: policies.ordered, ownership: device.ownership, deviceClass: device.deviceClass,
                platform: device.platform, roles: roles)
        }
    }

    /// Evaluates a device.
    /// - Parameters:
    ///   - device: The device, with its latest posture and check-in time.
    ///   - roles: Its person's roles.
    ///   - previous: Its status before, which carries when it started failing.
    ///   - now: The time of the evaluation.
    ///   - effective: Its effective policy, when the caller has it already.
    ///   - explain: Whether the results say what was expected and found; without, they name the
    ///     requirement, the policy and the outcome only (cheaper, for fleet evaluations).
    /// - Returns: The explained compliance; ``ComplianceStatus/notEvaluated`` before the device's
    ///   first posture.
    public func evaluate(
        _ device: Device, roles: Set<Role>, previous: ComplianceStatus, at now: Date, effective: EffectivePolicy? = nil,
        explain: Bool = true
    ) -> ComplianceReport {
        let effective = effective ?? effectivePolicy(for: device, roles: roles)
        guard let posture = device.posture else {
            return ComplianceReport(
                status: .notEvaluated, results: [], policies: effective.matchingPolicies,
                gracePeriodMinutes: effective.gracePeriodMinutes, escalation: effective.escalation)
        }
        let results = Self.check(device, posture: posture, against: effective, at: now, explain: explain)
        let status: ComplianceStatus
        let failing = results.filter { $0.outcome == .fail }
        if !failing.isEmpty {
            let since = previous.failingSince ?? now
            // A device without a passcode, unencrypted or jailbroken holds PHI in the clear or under
            // someone else's control: no grace for those.
            let grace = failing.contains { $0.requirement.isCritical } ? 0 : effective.gracePeriodMinutes
            let graceUntil = since.addingTimeInterval(Double(grace) * 60)
            status = ComplianceStatus(
                state: now < graceUntil ? .inGracePeriod : .noncompliant, failingSince: since, graceUntil: graceUntil)
        } else {
            status = ComplianceStatus(state: .compliant)
        }
        return ComplianceReport(
            status: status, results: results, policies: effective.matchingPolicies,
            gracePeriodMinutes: effective.gracePeriodMinutes, escalation: effective.escalation)
    }

    /// Checks every requirement of `effective` against a device's posture.
    static func check(
        _ device: Device, posture: Posture, against effective: EffectivePolicy, at now: Date, explain: Bool
    ) -> [RequirementResult] {
        var results: [RequirementResult] = []
        let required = effective.requirements
        func record(
            _ kind: RequirementKind, expected: @autoclosure () -> String, actual: @autoclosure () -> String?,
            passes: Bool
        ) {
            guard let source = effective.sources[kind] else { return }
            let outcome: RequirementOutcome = !kind.applies(to: device.deviceClass) ? .skipped : passes ? .pass : .fail
            results.append(
                RequirementResult(
                    requirement: kind, policy: source, expected: explain ? expected() : "",
                    actual: explain ? actual() : nil, outcome: outcome))
        }
        func atLeast(_ actual: String?, _ minimum: String) -> Bool {
            guard let actual = actual.flatMap(SoftwareVersion.init), let minimum = SoftwareVersion(minimum) else { return false }
            return actual >= minimum
        }
        if let minimum = required.minimumOSVersion?[device.platform] {
            record(.minimumOSVersion, expected: "at least \(minimum)", actual: posture.osVersion,
                   passes: atLeast(posture.osVersion, minimum))
        }
        if let days = required.maximumPatchAgeDays {
            let age = posture.securityPatchDate.flatMap { CivilDate.daysBetween($0, and: now) }
            record(.maximumPatchAgeDays, expected: "patched within \(days) days",
                   actual: posture.securityPatchDate.map { date in age.map { "\(date) (\($0) days ago)" } ?? date },
                   passes: age.map { (-1...days).contains($0) } ?? false)
        }
        if let needed = required.passcodeRequired {
            record(.passcodeRequired, expected: needed ? "a passcode is set" : "not required",
                   actual: posture.passcodeSet.map { $0 ? "set" : "not set" }, passes: !needed || posture.passcodeSet == true)
        }
        if let length = required.minimumPasscodeLength {
            record(.minimumPasscodeLength, expected: "at least \(length) characters",
                   actual: posture.passcodeLengthClass.map(Self.describe),
                   passes: (posture.passcodeLengthClass?.minimumLength ?? 0) >= length)
        }
        if let needed = required.storageEncryptionRequired {
            record(.storageEncryptionRequired, expected: needed ? "storage encrypted" : "not required",
                   actual: posture.storageEncrypted.map { $0 ? "encrypted" : "not encrypted" },
                   passes: !needed || posture.storageEncrypted == true)
        }
        if let forbidden = required.jailbreakForbidden {
            record(.jailbreakForbidden, expected: forbidden ? "not jailbroken or rooted" : "allowed",
                   actual: posture.jailbroken.map { $0 ? "jailbroken or rooted" : "intact" },
                   passes: !forbidden || posture.jailbroken == false)
        }
        if let seconds = required.maximumScreenLockSeconds {
            let actual = posture.screenLockTimeoutSeconds
            record(.maximumScreenLockSeconds, expected: "locks within \(seconds) seconds",
                   actual: actual.map { $0 == 0 ? "never locks" : "\($0) seconds" },
                   passes: actual.map { $0 > 0 && $0 <= seconds } ?? false)
        }
        if let minimum = required.minimumAgentVersion {
            record(.minimumAgentVersion, expected: "at least \(minimum)", actual: posture.agentVersion,
                   passes: atLeast(posture.agentVersion, minimum))
        }
        if let models = required.approvedModels {
            let model = device.model.lowercased()
            record(.approvedModels, expected: "one of " + models.joined(separator: ", "), actual: device.model,
                   passes: models.contains { $0.lowercased() == model })
        }
        if let days = required.maximumDaysSinceCheckIn {
            let since = device.lastSeenAt.map { Int(max(0, now.timeIntervalSince($0)) / 86_400) }
            record(.maximumDaysSinceCheckIn, expected: "checked in within \(days) days",
                   actual: since.map { "\($0) days ago" }, passes: since.map { $0 <= days } ?? false)
        }
        return results
    }

    static func describe(_ length: PasscodeLengthClass) -> String {
        switch length {
        case .none: "none"
        case .short: "1 to 5 characters"
        case .medium: "6 to 7 characters"
        case .long: "8 to 11 characters"
        case .veryLong: "12 characters or more"
        }
    }
}

/// The effective policies an evaluator composed, by kind of device: a fleet has few kinds, so
/// each is composed once, not once per device.
final class EffectivePolicyCache: @unchecked Sendable {
    /// What an effective policy depends on.
    struct Kind: Hashable {
        let ownership: Ownership
        let deviceClass: DeviceClass
        let platform: Platform
        let roles: Set<Role>
    }

    private let lock = NSLock()
    private var policies: [Kind: EffectivePolicy] = [:]

    /// The policy of `kind`, composed with `compose` the first time.
    func policy(for kind: Kind, compose: () -> EffectivePolicy) -> EffectivePolicy {
        if let known = lock.withLock({ policies[kind] }) { return known }
        let policy = compose()
        lock.withLock { policies[kind] = policy }
        return policy
    }
}
