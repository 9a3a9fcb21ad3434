import NIOConcurrencyHelpers
import VigilCore
import VigilStore

/// The policies, BYOD agreements and BYOD settings in force, held in memory so that a check-in
/// never reads them from the database; reloaded from the store whenever this server changes them
/// and by every fleet evaluation.
final class PolicyRegistry: Sendable {
    /// What one reload read.
    struct Snapshot: Sendable {
        let evaluator: ComplianceEvaluator
        let settings: BYODSettings
    }

    private let store: any VigilStore
    /// The snapshot, and the number of the reload that made it.
    private let current = NIOLockedValueBox<(snapshot: Snapshot?, reload: Int)>((nil, 0))
    /// Numbers reloads in the order they start.
    private let reloads = NIOLockedValueBox(0)

    init(store: any VigilStore) { self.store = store }

    /// The evaluator of the policies and agreements in force, read from the store on first use.
    func evaluator() async throws -> ComplianceEvaluator { try await snapshot().evaluator }

    /// The BYOD settings in force, read from the store on first use.
    func byodSettings() async throws -> BYODSettings { try await snapshot().settings }

    private func snapshot() async throws -> Snapshot {
        if let snapshot = current.withLockedValue({ $0.snapshot }) { return snapshot }
        return try await reload()
    }

    /// Reads the policies, agreements and settings from the store again, after a change. Of two
    /// reloads that overlap, the one that started last is kept, so an older read never replaces a
    /// newer one.
    @discardableResult
    func reload() async throws -> Snapshot {
        let number = reloads.withLockedValue { count in
            count += 1
            return count
        }
        let snapshot = Snapshot(
            evaluator: ComplianceEvaluator(
                policies: PolicySet(try await store.securityPolicies()), agreements: AgreementSet(try await store.agreements())),
            settings: try await store.byodSettings())
        return current.withLockedValue { current in
            guard number > current.reload else { return current.snapshot ?? snapshot }
            current = (snapshot, number)
            return snapshot
        }
    }
}
