import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Records the fleet's risk snapshot of the day shortly after start and then every `interval`,
/// so that the risk report has a trend: each day's row holds the last figures recorded that day
/// (UTC).
struct RiskSnapshots: Service {
    /// How often the day's snapshot is recorded again by default.
    static let defaultInterval = Duration.seconds(3_600)

    /// How long after start the first snapshot is recorded: the server migrates the store first.
    static let startDelay = Duration.seconds(10)

    /// How soon a failed recording is tried again.
    static let retryInterval = Duration.seconds(60)

    let assessor: RiskAssessor
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var wait = Self.startDelay
        while true {
            let pause = wait
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
            do {
                try await record(at: Date())
                wait = interval
            } catch {
                wait = min(interval, Self.retryInterval)
                logger.warning("Could not record the risk snapshot; trying again in \(wait): \(error)")
            }
        }
    }

    /// Assesses the fleet and records the snapshot of the day of `time`.
    /// - Returns: The snapshot recorded.
    @discardableResult
    func record(at time: Date) async throws -> RiskSnapshot {
        let now = time.roundedToMilliseconds
        let snapshot = try await assessor.fleet(keepingTop: 0, at: now).snapshot(day: RiskSnapshot.day(of: now))
        try await assessor.store.recordRiskSnapshot(snapshot, at: now)
        return snapshot
    }
}
