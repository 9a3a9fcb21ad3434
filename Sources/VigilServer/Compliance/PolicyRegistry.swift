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

    private let snapshot: ReloadedValue<Snapshot>

    init(store: any VigilStore) {
        snapshot = ReloadedValue {
            Snapshot(
                evaluator: ComplianceEvaluator(
                    policies: PolicySet(try await store.securityPolicies()), agreements: AgreementSet(try await store.agreements())),
                settings: try await store.byodSettings())
        }
    }

    /// The evaluator of the policies and agreements in force, read from the store on first use.
    func evaluator() async throws -> ComplianceEvaluator { try await snapshot.value().evaluator }

    /// The BYOD settings in force, read from the store on first use.
    func byodSettings() async throws -> BYODSettings { try await snapshot.value().settings }

    /// Reads the policies, agreements and settings from the store again, after a change.
    @discardableResult
    func reload() async throws -> Snapshot { try await snapshot.reload() }
}
