import Foundation

/// How one requirement fared on one device.
public struct RequirementResult: Codable, Sendable, Equatable {
    /// The requirement.
    public var requirement: RequirementKind
    /// The policy that imposed it.
    public var policy: PolicyReference
    /// What the policy asks, for people to read, such as `at least 17.0`.
    public var expected: String
    /// What the device reported; `nil` when it reported nothing.
    public var actual: String?
    /// Pass, fail, or skipped when the requirement does not apply to the device's class.
    public var outcome: RequirementOutcome

    /// Describes a result.
    public init(
        requirement: RequirementKind, policy: PolicyReference, expected: String, actual: String?,
        outcome: RequirementOutcome
    ) {
        self.requirement = requirement
        self.policy = policy
        self.expected = expected
        self.actual = actual
        self.outcome = outcome
    }

    private enum CodingKeys: String, CodingKey { case requirement, policy, expected, actual, outcome }

    /// Writes every field, `actual` as `null` when the device reported nothing.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requirement, forKey: .requirement)
        try container.encode(policy, forKey: .policy)
        try container.encode(expected, forKey: .expected)
        try container.encode(actual, forKey: .actual)
        try container.encode(outcome, forKey: .outcome)
    }
}

/// The outcome of one requirement.
public enum RequirementOutcome: String, Codable, Sendable, CaseIterable {
    case pass
    case fail
    /// The requirement does not apply to this class of device (a CPAP machine has no passcode).
    case skipped
}

/// Where a device stands with its policy over time: the state, and since when it has failed.
public struct ComplianceStatus: Codable, Sendable, Equatable {
    /// Compliant, in grace period, noncompliant, or not evaluated before the first posture.
    public var state: ComplianceState
    /// When the device first failed in its current run of failures.
    public var failingSince: Date?
    /// When its grace period ends (or ended), while it fails.
    public var graceUntil: Date?

    /// Describes a status.
    public init(state: ComplianceState, failingSince: Date? = nil, graceUntil: Date? = nil) {
        self.state = state
        self.failingSince = failingSince
        self.graceUntil = graceUntil
    }

    /// A device no policy has looked at.
    public static let notEvaluated = ComplianceStatus(state: .notEvaluated)

    /// Whether the device fails some requirement (in grace or not).
    public var isFailing: Bool { failingSince != nil }
}

/// A device's compliance, explained: its status, and every requirement of its effective policy
/// with the device's value and the policy that imposed it.
public struct ComplianceReport: Codable, Sendable, Equatable {
    /// The device's status.
    public var status: ComplianceStatus
    /// Every requirement of its effective policy.
    public var results: [RequirementResult]
    /// Every policy that matches the device, most precedent first.
    public var policies: [PolicyReference]
    /// The grace period in minutes.
    public var gracePeriodMinutes: Int
    /// The escalation that applies while it fails.
    public var escalation: [EscalationStep]

    /// Describes a report.
    public init(
        status: ComplianceStatus, results: [RequirementResult], policies: [PolicyReference], gracePeriodMinutes: Int,
        escalation: [EscalationStep]
    ) {
        self.status = status
        self.results = results
        self.policies = policies
        self.gracePeriodMinutes = gracePeriodMinutes
        self.escalation = escalation
    }

    /// The requirements the device fails.
    public var failures: [RequirementResult] { results.filter { $0.outcome == .fail } }
}
