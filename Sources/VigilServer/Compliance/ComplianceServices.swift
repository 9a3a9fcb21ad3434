import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// The compliance module's in-process parts that routes share: the policies in force, the
/// evaluator, the fleet evaluations, the grant issuer, and the places that feed the decision.
public final class ComplianceServices: Sendable {
    let policies: PolicyRegistry
    let evaluator: AccessEvaluator
    /// Access decisions that turned, for the command module.
    let accessChanges = AccessChangeFeed()
    let fleet: FleetEvaluations
    let grants: GrantIssuer
    let grantKeys: GrantKeys
    /// Fences, location reports and the place sweep's work.
    let places: PlaceServices
    /// How long emergency access lasts.
    let emergencyDuration: TimeInterval

    /// The compliance services of `store`.
    /// - Parameters:
    ///   - store: The store.
    ///   - configuration: The grant audience and lifetime, the emergency duration, the data directory.
    ///   - publicURL: The server's address, the issuer of grants.
    ///   - logger: Where fleet evaluations report.
    public init(
        store: any VigilStore, configuration: ServerConfiguration, publicURL: @escaping @Sendable () -> String,
        logger: Logger
    ) {
        policies = PolicyRegistry(store: store)
        evaluator = AccessEvaluator(store: store, policies: policies, changes: accessChanges)
        fleet = FleetEvaluations(evaluator: evaluator, logger: logger)
        grantKeys = GrantKeys(store: store, files: .grants(dataDirectory: configuration.dataDirectory))
        grants = GrantIssuer(
            keys: grantKeys, store: store, policies: policies, issuer: publicURL, audience: configuration.grantAudience,
            lifetime: TimeInterval(configuration.grantLifetimeSeconds))
        emergencyDuration = TimeInterval(configuration.emergencyAccessMinutes * 60)
        places = PlaceServices(
            store: store, policies: policies, evaluator: evaluator, retentionDays: configuration.locationRetentionDays)
    }

    /// Asks for an evaluation of the whole fleet, in the background.
    @discardableResult
    public func evaluateFleet(trigger: String) async -> FleetEvaluationJob {
        await fleet.start(trigger: trigger)
    }

    /// Waits until no fleet evaluation is queued or running.
    public func waitForFleetEvaluations() async { await fleet.waitUntilIdle() }

    /// A recent fleet evaluation, with its progress.
    public func fleetEvaluation(id: String) async -> FleetEvaluationJob? { await fleet.job(id: id) }
}

/// Evaluates the whole fleet at start and then every few minutes, so that time-bound states move
/// on without a check-in: grace periods end, devices that stopped checking in fail
/// `maximumDaysSinceCheckIn`, emergency accesses expire.
struct ComplianceSchedule: Service {
    let compliance: ComplianceServices
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            await compliance.evaluateFleet(trigger: "schedule")
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
