import Foundation
import NIOConcurrencyHelpers
import VigilCore

/// Where the evaluator reports access decisions that turned, for the command module to act on
/// (block or restore PHI apps, tell the agent). Set once the command module exists: the
/// evaluator is built before it.
final class AccessChangeFeed: Sendable {
    typealias Handler = @Sendable ([AccessChange]) async -> Void
    private let handler = NIOLockedValueBox<Handler?>(nil)

    /// Sends every change to `handler` from now on.
    func subscribe(_ handler: @escaping Handler) { self.handler.withLockedValue { $0 = handler } }

    /// Reports what changed between a subject's recorded state and a written outcome, if its
    /// decision turned; a first evaluation turns nothing (the device never had access).
    func publish(_ evaluated: [(subject: EvaluationSubject, outcome: EvaluationOutcome)], at now: Date) async {
        let changes = evaluated.compactMap { subject, outcome -> AccessChange? in
            guard let before = subject.recorded, before.decision.allowed != outcome.state.decision.allowed else { return nil }
            return AccessChange(
                deviceID: outcome.deviceID, status: AccessStatus(outcome.state.decision), revision: outcome.state.revision, at: now)
        }
        guard !changes.isEmpty, let handler = handler.withLockedValue({ $0 }) else { return }
        await handler(changes)
    }
}
