import Foundation
import VigilCore
import VigilStore

/// Evaluates devices and records what changed: one device at a check-in or after an
/// administrator's action, the whole fleet after a policy change (see ``FleetEvaluations``).
struct AccessEvaluator: Sendable {
    let store: any VigilStore
    let policies: PolicyRegistry
    /// Where decisions that turned are reported.
    let changes: AccessChangeFeed

    /// How many times a device is evaluated again when another evaluation wrote first.
    static let attempts = 3

    /// Evaluates one device and records the outcome when it changed.
    /// - Parameters:
    ///   - deviceID: The device.
    ///   - actor: Who caused the evaluation, for the audit trail.
    ///   - now: The time.
    /// - Returns: The device as evaluated with its recorded state, or `nil` when it does not exist.
    func evaluate(_ deviceID: DeviceID, actor: AuditActor, at now: Date = Date().roundedToMilliseconds) async throws
        -> (subject: EvaluationSubject, state: DeviceAccessState)?
    {
        let evaluator = try await policies.evaluator()
        for _ in 0..<Self.attempts {
            guard let subject = try await store.evaluationSubject(deviceID: deviceID, at: now) else { return nil }
            let outcome = evaluator.evaluate(subject, at: now, actor: actor)
            if try await store.recordEvaluations([outcome]).isEmpty {
                await changes.publish([(subject, outcome)], at: now)
                return (subject, outcome.state)
            }
        }
        throw StoreError.conflict("device \(deviceID) is being evaluated by another request; try again")
    }

    /// Evaluates every device in service of a person, after a change that concerns them all (their
    /// roles, their status, an agreement they accepted).
    /// - Returns: Each device as evaluated with its recorded state.
    @discardableResult
    func evaluateDevices(of personID: PersonID, actor: AuditActor, at now: Date) async throws
        -> [(subject: EvaluationSubject, state: DeviceAccessState)]
    {
        var evaluated: [(subject: EvaluationSubject, state: DeviceAccessState)] = []
        for device in try await store.allDevices(DeviceFilter(status: .active, personID: personID), sort: .enrolledAt) {
            if let outcome = try await evaluate(device.id, actor: actor, at: now) { evaluated.append(outcome) }
        }
        return evaluated
    }

    /// Evaluates a page of devices and records what changed; devices that another evaluation
    /// wrote meanwhile are evaluated again on their own.
    /// - Returns: How many devices changed.
    func evaluate(_ subjects: [EvaluationSubject], evaluator: ComplianceEvaluator, at now: Date) async throws -> Int {
        let outcomes = subjects.map { evaluator.evaluate($0, at: now, actor: .system("policy evaluation")) }
        let lost = try await store.recordEvaluations(outcomes)
        let written = Set(outcomes.map(\.deviceID)).subtracting(lost)
        await changes.publish(zip(subjects, outcomes).filter { written.contains($0.1.deviceID) }, at: now)
        for deviceID in lost { _ = try await evaluate(deviceID, actor: .system("policy evaluation")) }
        return outcomes.filter(\.changed).count
    }
}
