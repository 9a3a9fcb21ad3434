import NIOConcurrencyHelpers
import VigilCore
import VigilStore

/// The policies in force, held in memory so that a check-in never reads them from the database;
/// reloaded from the store whenever they change.
final class PolicyRegistry: Sendable {
    private let store: any VigilStore
    /// The evaluator, and the number of the reload that made it.
    private let current = NIOLockedValueBox<(evaluator: ComplianceEvaluator?, reload: Int)>((nil, 0))
    /// Numbers reloads in the order they start.
    private let reloads = NIOLockedValueBox(0)

    init(store: any VigilStore) { self.store = store }

    /// The evaluator of the policies in force, read from the store on first use.
    func evaluator() async throws -> ComplianceEvaluator {
        if let evaluator = current.withLockedValue({ $0.evaluator }) { return evaluator }
        return try await reload()
    }

    /// Reads the policies from the store again, after a change. Of two reloads that overlap, the
    /// one that started last is kept, so an older read never replaces a newer one.
    @discardableResult
    func reload() async throws -> ComplianceEvaluator {
        let number = reloads.withLockedValue { count in
            count += 1
            return count
        }
        let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
        return current.withLockedValue { current in
            guard number > current.reload else { return current.evaluator ?? evaluator }
            current = (evaluator, number)
            return evaluator
        }
    }
}
