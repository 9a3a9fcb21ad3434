import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Moves command queues on in time (`docs/commands.md`, "The sweep"): every few seconds it
/// expires the commands whose expiry passed, turns the compliance escalations that came due into
/// commands, pushes to connected agents the commands that became available (a put-off command's
/// delay ran out, a stolen device's wipe came due, a redelivery) and closes push connections
/// whose sessions ended.
struct CommandSweep: Service {
    let commands: CommandServices
    let interval: Duration
    let logger: Logger

    /// Commands expired in one step.
    static let expiryBatch = 1_000
    /// Devices pushed to in one step.
    static let pushBatch = 10_000
    /// How far each sweep looks back before the last one: a command committed a little after its
    /// `availableAt` (a large batch, another replica) is still seen. Pushing twice is harmless:
    /// a command is handed out once.
    static let overlap: TimeInterval = 60

    var store: any VigilStore { commands.store }

    func run() async throws {
        var last = Date().roundedToMilliseconds
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let now = Date().roundedToMilliseconds
            // A sweep that failed is covered by the next one.
            if await sweep(after: last.addingTimeInterval(-Self.overlap), through: now) { last = now }
        }
    }

    /// One sweep over `(after, through]`.
    /// - Returns: Whether it went through.
    @discardableResult
    func sweep(after: Date, through now: Date) async -> Bool {
        commands.hub.closeEnded(at: now)
        do {
            try await expire(at: now)
            try await issueDueEscalations(at: now)
            let devices = try await store.devicesWithCommandsAvailable(after: after, through: now, limit: Self.pushBatch)
            await commands.push(to: devices, at: now)
            // A full batch leaves devices for the next sweep, over the same window.
            return devices.count < Self.pushBatch
        } catch {
            logger.warning("The command sweep failed; it runs again shortly: \(error)")
            return false
        }
    }

    func expire(at now: Date) async throws {
        while true {
            let expired = try await store.expireCommands(at: now, limit: Self.expiryBatch) { command in
                AuditEventDraft(
                    occurredAt: now, actor: .system("command expiry"), action: .commandExpired, target: .device(command.deviceID),
                    outcome: .failure, reason: command.summary)
            }
            if expired.count < Self.expiryBatch { return }
        }
    }

    /// Queues the command of every pending escalation that came due; its idempotency key (the
    /// due action's identifier) keeps it from being queued twice.
    func issueDueEscalations(at now: Date) async throws {
        var page = PageRequest.first
        while true {
            let found = try await store.dueActions(deviceID: nil, state: .pending, page)
            for due in found.items where due.dueAt <= now {
                let key = "due-\(due.id)"
                // Taken already (a read, not a write transaction, for every sweep after the first).
                guard let kind = CommandKind(escalation: due.action),
                    try await store.command(deviceID: due.deviceID, idempotencyKey: key) == nil,
                    let device = try await store.device(id: due.deviceID), device.retirement == nil
                else { continue }
                let draft = CommandDraft(
                    kind: kind, reason: "escalation of \(due.policy.name) v\(due.policy.version)", idempotencyKey: key)
                do {
                    _ = try await commands.issue(
                        draft, to: device, origin: .escalation, issuer: .system("escalation"), at: now,
                        audit: CommandServices.systemEvent("escalation", at: now))
                } catch let problem as Problem {
                    logger.info("An escalation was not issued: \(problem.detail)", metadata: ["device": "\(device.id)"])
                }
            }
            guard let next = found.nextAfter else { return }
            page = try PageRequest(limit: PageRequest.maximumLimit, after: next)
        }
    }
}

extension CommandKind {
    /// The command that carries out an escalation step; `nil` for a notification, which is no command.
    init?(escalation: EscalationAction) {
        switch escalation {
        case .notify: return nil
        case .lock: self = .lock
        case .blockPHI: self = .blockPHI
        case .selectiveWipe: self = .selectiveWipe
        }
    }
}
