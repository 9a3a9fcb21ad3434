import Foundation

/// What evaluating a device needs besides the policies: the device, its person, what was decided
/// last time, and any active emergency access.
public struct EvaluationSubject: Sendable, Equatable {
    /// The device, with its latest posture.
    public var device: Device
    /// Its person's roles.
    public var roles: Set<Role>
    /// Its person's status.
    public var personStatus: PersonStatus
    /// What the last evaluation recorded; `nil` before the first.
    public var recorded: DeviceAccessState?
    /// The device's emergency access active at the time of reading, if any.
    public var emergency: ActiveEmergency?
    /// How its person is bound to the organization.
    public var affiliation: Affiliation
    /// The agreement versions its person accepted.
    public var acceptedAgreements: AcceptedAgreements
    /// The places of its person's devices in service, this one among them if it has reported.
    public var places: [DevicePlace]
    /// Its person's shifts that cover the time of reading, grace included.
    public var shifts: [Shift]
    /// Its person's home visits in progress at the time of reading.
    public var visits: [Visit]

    /// Bundles a subject.
    public init(
        device: Device, roles: Set<Role>, personStatus: PersonStatus, recorded: DeviceAccessState?,
        emergency: ActiveEmergency?, affiliation: Affiliation = .employee,
        acceptedAgreements: AcceptedAgreements = AcceptedAgreements(), places: [DevicePlace] = [], shifts: [Shift] = [],
        visits: [Visit] = []
    ) {
        self.device = device
        self.roles = roles
        self.personStatus = personStatus
        self.recorded = recorded
        self.emergency = emergency
        self.affiliation = affiliation
        self.acceptedAgreements = acceptedAgreements
        self.places = places
        self.shifts = shifts
        self.visits = visits
    }
}

/// An emergency access in force on a device.
public struct ActiveEmergency: Sendable, Equatable {
    /// The emergency access.
    public var id: Identifier<EmergencyAccess>
    /// When it ends.
    public var until: Date

    /// Names an emergency access and its end.
    public init(id: Identifier<EmergencyAccess>, until: Date) {
        self.id = id
        self.until = until
    }
}

/// A device's recorded compliance and access decision.
public struct DeviceAccessState: Sendable, Equatable {
    /// The compliance status.
    public var compliance: ComplianceStatus
    /// The requirements it fails, in report order.
    public var failures: [RequirementKind]
    /// The access decision for PHI apps.
    public var decision: AccessDecision
    /// When the decision last changed.
    public var decisionChangedAt: Date
    /// Grants issued before this instant are refused (set when the decision turns to deny).
    public var grantsRevokedAt: Date?
    /// When it was last evaluated with a change.
    public var evaluatedAt: Date
    /// Counts the writes of this state, so that two evaluations racing cannot both write.
    public var revision: Int64

    /// Describes a recorded state.
    public init(
        compliance: ComplianceStatus, failures: [RequirementKind], decision: AccessDecision, decisionChangedAt: Date,
        grantsRevokedAt: Date?, evaluatedAt: Date, revision: Int64
    ) {
        self.compliance = compliance
        self.failures = failures
        self.decision = decision
        self.decisionChangedAt = decisionChangedAt
        self.grantsRevokedAt = grantsRevokedAt
        self.evaluatedAt = evaluatedAt
        self.revision = revision
    }
}

/// An action due on a device because it stays noncompliant: the command queue turns it into a command.
public struct DueAction: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "due"

    /// Unique identifier.
    public let id: Identifier<DueAction>
    /// The device.
    public let deviceID: DeviceID
    /// What to do.
    public let action: EscalationAction
    /// The policy whose escalation set it.
    public let policy: PolicyReference
    /// When it falls due.
    public let dueAt: Date
    /// Pending until the command queue takes it; cancelled when the device complies again first.
    public var state: DueActionState
    /// When it was recorded.
    public let createdAt: Date
    /// When it was cancelled or taken.
    public var resolvedAt: Date?

    /// Describes a due action.
    public init(
        id: Identifier<DueAction>, deviceID: DeviceID, action: EscalationAction, policy: PolicyReference, dueAt: Date,
        state: DueActionState, createdAt: Date, resolvedAt: Date?
    ) {
        self.id = id
        self.deviceID = deviceID
        self.action = action
        self.policy = policy
        self.dueAt = dueAt
        self.state = state
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }
}

/// Where a due action stands.
public enum DueActionState: String, Codable, CaseIterable, Sendable {
    /// Waiting for its time and for the command queue.
    case pending
    /// The device complied again before the action was taken.
    case cancelled
}

/// The result of evaluating one device: its new state, and what must be written because of it.
public struct EvaluationOutcome: Sendable, Equatable {
    /// The device.
    public var deviceID: DeviceID
    /// The new state to record.
    public var state: DeviceAccessState
    /// The revision the state replaces (`nil` when the device had none), for the compare-and-set.
    public var replacesRevision: Int64?
    /// Whether anything changed: only then is the state written.
    public var changed: Bool
    /// Escalation steps to record because the device just started failing.
    public var newDueActions: [DueAction]
    /// Whether the device's pending due actions are cancelled because it complies again.
    public var cancelsDueActions: Bool
    /// The audit events recording changes of compliance state and of the access decision.
    public var events: [AuditEventDraft]
}

extension ComplianceEvaluator {
    /// The access decision for an app on the subject's device, with its compliance already known.
    /// - Parameters:
    ///   - subject: The device and what it needs.
    ///   - compliance: Its compliance.
    ///   - now: The time.
    ///   - app: The app asking; a PHI app by default.
    ///   - patient: The patient the request is for, if it names one (it matters during a home visit).
    /// - Returns: The decision, with the agreements in force judged against the person's
    ///   acceptances, and the place and shift against the device's conditions.
    public func decision(
        for subject: EvaluationSubject, compliance: ComplianceState, at now: Date, app: AppSensitivity = .phi,
        patient: String? = nil
    ) -> AccessDecision {
        decision(
            for: subject, compliance: compliance, at: now, app: app, patient: patient,
            conditions: effectivePolicy(for: subject.device, roles: subject.roles).conditions)
    }

    /// The decision, with the device's conditions known already (an evaluation has its effective policy).
    func decision(
        for subject: EvaluationSubject, compliance: ComplianceState, at now: Date, app: AppSensitivity,
        patient: String?, conditions: EffectiveConditions
    ) -> AccessDecision {
        let device = subject.device
        let place = PersonPlace(of: subject.places, staleAfter: conditions.staleAfter, at: now)
        return AccessDecision.decide(
            AccessInputs(
                approval: device.approval, custody: device.custody, personStatus: subject.personStatus,
                compliance: compliance, agreement: agreements.input(for: subject, at: now),
                place: PlaceInput(place, conditions: conditions, visit: visit(of: subject, at: place), patient: patient),
                shift: ShiftInput(required: conditions.requireOnShift, shifts: subject.shifts, at: now), app: app,
                emergency: subject.emergency.map { $0.until > now } == true ? .active : .none))
    }

    /// Where the subject's person is, judged with the stale time of the subject's device.
    public func personPlace(of subject: EvaluationSubject, at now: Date) -> PersonPlace {
        let conditions = effectivePolicy(for: subject.device, roles: subject.roles).conditions
        return PersonPlace(of: subject.places, staleAfter: conditions.staleAfter, at: now)
    }

    /// The visit in progress the person's place names, if any: a grant issued then is limited to
    /// its patient.
    public func visit(of subject: EvaluationSubject, at place: PersonPlace) -> Visit? {
        guard place.state == .visit, let id = place.visitID else { return nil }
        return subject.visits.first { $0.id == id }
    }

    /// Evaluates one device: compliance, then the access decision for PHI apps, then what changed.
    /// - Parameters:
    ///   - subject: The device and what it needs.
    ///   - now: The time.
    ///   - actor: Who caused the evaluation, for the audit events (the device at a check-in,
    ///     the system for a policy change).
    /// - Returns: The outcome; ``EvaluationOutcome/changed`` is `false` when nothing is to be written.
    public func evaluate(_ subject: EvaluationSubject, at now: Date, actor: AuditActor) -> EvaluationOutcome {
        let device = subject.device
        let recorded = subject.recorded
        let effective = effectivePolicy(for: device, roles: subject.roles)
        let report = evaluate(
            device, roles: subject.roles, previous: recorded?.compliance ?? .notEvaluated, at: now, effective: effective,
            explain: false)
        let failures = report.failures.map(\.requirement)
        let decision = decision(
            for: subject, compliance: report.status.state, at: now, app: .phi, patient: nil, conditions: effective.conditions)

        // One event per change: the access decision's when it changed (with the compliance that
        // changed with it), else the compliance's.
        var events: [AuditEventDraft] = []
        let complianceChanged = recorded?.compliance.state ?? .notEvaluated != report.status.state
            || (recorded?.failures ?? []) != failures
        let decisionChanged = recorded.map { $0.decision != decision } ?? true
        let failing = failures.map(\.rawValue).joined(separator: ", ")
        let compliance = "compliance " + report.status.state.rawValue
            + (failing.isEmpty ? "" : "; failing: \(failing)")
            + (report.status.state == .inGracePeriod ? "; grace until \(RFC3339.format(report.status.graceUntil ?? now))" : "")
        if decisionChanged {
            events.append(
                AuditEventDraft(
                    occurredAt: now, actor: actor, action: .accessChanged, target: .device(device.id), outcome: .success,
                    reason: decision.summary + (complianceChanged ? "; " + compliance : "")))
        } else if complianceChanged {
            events.append(
                AuditEventDraft(
                    occurredAt: now, actor: actor, action: .complianceChanged, target: .device(device.id),
                    outcome: .success, reason: compliance))
        }
        let turnedToDeny = !decision.allowed && (recorded?.decision.allowed ?? false)
        let inService = device.custody == .inService
        let startedFailing = report.status.isFailing && !(recorded?.compliance.isFailing ?? false)
        let stoppedFailing = !report.status.isFailing && (recorded?.compliance.isFailing ?? false)
        var newDueActions: [DueAction] = []
        if startedFailing, inService, let source = effective.escalationSource {
            for (index, step) in report.escalation.enumerated() {
                let dueAt = (report.status.failingSince ?? now).addingTimeInterval(Double(step.afterMinutes) * 60)
                // Identifiers a millisecond apart, so that the steps list in their order.
                newDueActions.append(
                    DueAction(
                        id: .generate(at: now.addingTimeInterval(Double(index) / 1_000)), deviceID: device.id,
                        action: step.action, policy: source, dueAt: dueAt, state: .pending, createdAt: now,
                        resolvedAt: nil))
            }
        }
        let state = DeviceAccessState(
            compliance: report.status, failures: failures, decision: decision,
            decisionChangedAt: decisionChanged ? now : recorded?.decisionChangedAt ?? now,
            grantsRevokedAt: turnedToDeny ? now : recorded?.grantsRevokedAt,
            evaluatedAt: now, revision: (recorded?.revision ?? 0) + 1)
        let changed = recorded == nil || complianceChanged || decisionChanged
            || recorded?.compliance != report.status
        return EvaluationOutcome(
            deviceID: device.id, state: changed ? state : recorded!, replacesRevision: recorded?.revision,
            changed: changed, newDueActions: newDueActions,
            // A device that complies again, or leaves service, has nothing left to escalate.
            cancelsDueActions: stoppedFailing || (!inService && decisionChanged), events: events)
    }
}
