import NIOConcurrencyHelpers
import VigilCore
import VigilStore

/// The policies in force, held in memory so that a check-in never reads them from the database;
/// reloaded from the store whenever they change.
final class PolicyRegistry: Sendable {
    private let store: any VigilStore
    private let current = NIOLockedValueBox<ComplianceEvaluator?>(nil)

    init(store: any VigilStore) { self.store = store }

    /// The evaluator of the policies in force, read from the store on first use.
    func evaluator() async throws -> ComplianceEvaluator {
        if let evaluator = current.withLockedValue({ $0 }) { return evaluator }
        return try await reload()
    }

    /// Reads the policies from the store again, after a change.
    @discardableResult
    func reload() async throws -> ComplianceEvaluator {
        let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
        current.withLockedValue { $0 = evaluator }
        return evaluator
    }
}
