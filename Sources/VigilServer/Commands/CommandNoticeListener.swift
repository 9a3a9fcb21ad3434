import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Pushes the commands other replicas queue to the devices connected here: it listens for the
/// store's command notices (PostgreSQL `LISTEN`, `docs/commands.md`, "Several replicas on one
/// PostgreSQL") and hands the devices they name, or every device connected here for a batch, to
/// ``CommandServices/push(to:at:)``. A notice of this replica's own commands pushes again, which is
/// harmless: a command is handed out once. On SQLite there are no notices and it only waits.
struct CommandNoticeListener: Service {
    let commands: CommandServices
    let logger: Logger

    /// The wait before listening again after the connection failed.
    static let retryDelay = Duration.seconds(1)

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await commands.store.listenForCommandNotices { devices in
                        await commands.push(to: devices ?? commands.hub.connected())
                    }
                }
                // A store without notices returns at once: nothing to listen for, wait for the end.
                if !Task.isCancelled, !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
                return
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("Listening for command notices failed; listening again: \(error)")
                try? await Task.sleep(for: Self.retryDelay)
            }
        }
    }
}
