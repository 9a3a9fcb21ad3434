import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import VigilStore

/// The in-process state of device traffic that routes share: device sessions, the check-in
/// writer that commits check-ins in groups, and the address devices reach the server at.
public final class DeviceServices: Sendable {
    let sessions: DeviceSessions
    let checkIns: CheckInBatcher
    private let publicAddress: NIOLockedValueBox<String>

    /// Makes fresh sessions and a check-in writer for `store`.
    /// - Parameters:
    ///   - store: The store check-ins are written to.
    ///   - publicURL: The address for enrollment URLs, until ``serverStarted(port:configuration:)``.
    public init(store: any VigilStore, publicURL: String) {
        self.sessions = DeviceSessions()
        self.checkIns = CheckInBatcher(store: store)
        self.publicAddress = NIOLockedValueBox(publicURL)
    }

    /// The address devices reach the server at, such as `https://mdm.hospital.org`.
    var publicURL: String { publicAddress.withLockedValue { $0 } }

    /// Learns the port the server listens on, which port 0 leaves open until then, for
    /// enrollment URLs when no public URL is configured.
    func serverStarted(port: Int, configuration: ServerConfiguration) {
        guard configuration.publicURL == nil else { return }
        var listening = configuration
        listening.port = port
        publicAddress.withLockedValue { $0 = listening.effectivePublicURL }
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
