import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Pushes the commands other replicas queue to the devices connected here: it listens for the
/// store's notices (PostgreSQL `LISTEN`, `docs/commands.md`, "Several replicas on one
/// PostgreSQL") and hands the devices they name, or every device connected here for a batch, to
/// ``CommandServices/push(to:at:)``; another replica's access changes go to the device's agent. A notice of this replica's own commands pushes again, which is
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
                    try await commands.store.listenForReplicaNotices { notice in
                        switch notice {
                        case .commands(let devices): await commands.push(to: devices ?? commands.hub.connected())
                        case .access(let deviceID, let access, let origin) where origin != commands.replicaID:
                            commands.hub.send(PushMessage(type: .access, access: access, serverTime: Date()), to: deviceID)
                        case .access: break
                        }
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
