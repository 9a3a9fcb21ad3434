import Foundation
import Logging
import ServiceLifecycle
import VigilStore

/// The in-process state of device traffic that routes share: device sessions, and the
/// check-in writer that commits check-ins in groups.
public final class DeviceServices: Sendable {
    let sessions: DeviceSessions
    let checkIns: CheckInBatcher

    /// Makes fresh sessions and a check-in writer for `store`.
    public init(store: any VigilStore) {
        self.sessions = DeviceSessions()
        self.checkIns = CheckInBatcher(store: store)
    }
}

/// Background upkeep of devices: forgets expired sessions every minute and removes posture
/// history older than the retention period every hour.
struct DeviceMaintenance: Service {
    let store: any VigilStore
    let sessions: DeviceSessions
    let retentionDays: Int
    let logger: Logger

    func run() async throws {
        var minutes = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            sessions.sweep(at: Date())
            if minutes % 60 == 0 { await prune() }
            minutes += 1
        }
    }

    func prune() async {
        let cutoff = Date().addingTimeInterval(-Double(retentionDays) * 86_400)
        do {
            let removed = try await store.prunePostureHistory(recordedBefore: cutoff)
            if removed > 0 { logger.info("Removed \(removed) posture records older than \(retentionDays) days") }
        } catch {
            logger.warning("Could not prune posture history: \(error)")
        }
    }
}
