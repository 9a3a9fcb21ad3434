import Foundation
import Logging
import VigilCore
import VigilStore

/// Builds the audit event of a command step: the action, its target and its reason. Routes
/// build it from the request (who, from where); background work from the system actor.
typealias AuditEventMaker = @Sendable (AuditAction, AuditTarget, String) -> AuditEventDraft

/// The command module's in-process parts that routes, the push channel and the sweep share
/// (`docs/commands.md`): issuing with the ownership refusals and the wipe guard-rail, delivery
/// to connected agents, and the devices' outcomes.
public final class CommandServices: Sendable {
    let store: any VigilStore
    let hub: PushHub
    let guardRail: WipeGuardRail
    let stolenWipeDelay: TimeInterval
    /// This process, in the notices it sends other replicas: its own come back and are skipped.
    let replicaID = UUID().uuidString
    private let policies: PolicyRegistry
    private let outcomes: GroupCommit<ReportedOutcome, Result<DeviceCommand, CommandOutcomeRefusal>>
    let logger: Logger

    /// A device's outcome on its way to the store.
    struct ReportedOutcome: Sendable {
        let deviceID: DeviceID
        let outcome: CommandOutcome
    }

    /// Outcomes written in one transaction at most.
    static let maximumOutcomesPerWrite = 2_000

    /// The command services of `store`, acting on the access changes `compliance` reports.
    init(
        store: any VigilStore, sessions: DeviceSessions, compliance: ComplianceServices, configuration: ServerConfiguration,
        logger: Logger
    ) {
        self.store = store
        self.hub = PushHub(sessions: sessions)
        self.policies = compliance.policies
        self.guardRail = WipeGuardRail(limit: configuration.wipeGuardLimit)
        self.stolenWipeDelay = TimeInterval(configuration.stolenWipeDelaySeconds)
        self.logger = logger
        self.outcomes = GroupCommit(maximumBatch: Self.maximumOutcomesPerWrite) { reported in
            try await store.recordCommandOutcomes(reported.map { ($0.deviceID, $0.outcome) }, at: Date().roundedToMilliseconds) {
                command in
                guard command.state.hasEnded else { return nil }
                return AuditEventDraft(
                    occurredAt: command.endedAt ?? Date().roundedToMilliseconds, actor: .device(command.deviceID),
                    action: .commandCompleted, target: .device(command.deviceID),
                    outcome: command.state == .acknowledged ? .success : .failure, reason: command.summary)
            }
        }
        compliance.accessChanges.subscribe { [self] changes in await self.accessChanged(changes) }
    }

    // MARK: Issuing

    /// Issues one command to one device, refused when its ownership does not allow it, and
    /// pushes it when the device is connected.
    /// - Returns: The command as queued (or held), or the earlier one holding its idempotency key.
    func issue(
        _ draft: CommandDraft, to device: Device, origin: CommandOrigin, issuer: AuditActor, availableAt: Date? = nil,
        at now: Date, audit: @escaping AuditEventMaker
    ) async throws -> EnqueuedCommand {
        try await issue([draft], availableAt: [availableAt], to: device, origin: origin, issuer: issuer, at: now, audit: audit)[0]
    }

    /// Issues several commands to one device in one transaction.
    func issue(
        _ drafts: [CommandDraft], availableAt: [Date?], to device: Device, origin: CommandOrigin, issuer: AuditActor,
        at now: Date, audit: @escaping AuditEventMaker
    ) async throws -> [EnqueuedCommand] {
        guard device.retirement == nil else { throw Problem.conflict("Device \(device.id) is retired; it takes no commands.") }
        let collection = try await collection()
        for draft in drafts {
            if let refusal = CommandAuthorization.refusal(of: draft.kind, on: device.ownership, collection: collection) {
                throw Problem.commandRefused(refusal)
            }
        }
        // Identifiers in the drafts' order: commands of one moment and priority go out in it.
        let ids = drafts.map { _ in CommandID.generate(at: now) }.sorted()
        precondition(drafts.count == availableAt.count, "one availability per draft")
        let commands = zip(drafts, availableAt).enumerated().map { index, pair in
            pair.0.command(for: device.id, origin: origin, issuer: issuer, at: now, availableAt: pair.1, id: ids[index])
        }
        let results = try await store.enqueueCommands(commands, guardRail: guardRail, at: now) { results in
            results.filter(\.created).map { audit(.commandIssued, .device($0.command.deviceID), $0.command.summary) }
        }
        for (draft, result) in zip(drafts, results) where !result.created && !draft.matches(result.command) {
            throw Problem.conflict(
                "The idempotency key \(draft.idempotencyKey ?? "") names command \(result.command.id), "
                    + "a different command; use a new key.")
        }
        if results.contains(where: { $0.created && $0.command.isDeliverable(at: now) }) { await push(to: [device.id], at: now) }
        return results
    }

    /// Issues one command to every device in service that `filter` selects, refusing it for the
    /// devices whose ownership does not allow it; pushes it to those connected.
    /// - Returns: The batch, with its progress, and whether it was created now (`false`: its
    ///   idempotency key names an earlier batch).
    func issueBatch(
        _ draft: CommandDraft, to filter: DeviceFilter, issuer: AuditActor, at now: Date, audit: @escaping AuditEventMaker
    ) async throws -> (batch: CommandBatch, created: Bool) {
        var selection = filter
        selection.status = .active
        let devices = try await store.commandTargets(selection)
        let collection = try await collection()
        let allowed = devices.filter { CommandAuthorization.refusal(of: draft.kind, on: $0.ownership, collection: collection) == nil }
        let batch = CommandBatch(
            id: .generate(at: now), kind: draft.kind, issuedBy: issuer, reason: draft.reason, createdAt: now,
            deviceCount: devices.count, refusedCount: devices.count - allowed.count, idempotencyKey: draft.idempotencyKey)
        var each = draft
        each.idempotencyKey = nil
        let commands = allowed.map {
            each.command(for: $0.deviceID, origin: .administrator, issuer: issuer, at: now, batchID: batch.id)
        }
        let result = try await store.enqueueBatch(
            batch, commands: commands, guardRail: guardRail, at: now,
            audit: audit(
                .commandBatchIssued, .commandBatch(batch.id),
                "\(draft.kind.rawValue) to \(commands.count) of \(devices.count) devices "
                    + "(\(batch.refusedCount) refused by ownership): \(draft.reason)"))
        if result.created { await push(to: allowed.map(\.deviceID), at: now) }
        return result
    }

    /// The collection matrix in force, which decides what each ownership allows.
    func collection() async throws -> CollectionMatrix { try await policies.byodSettings().collection }

    // MARK: Delivery

    /// Hands the connected ones among `devices` what they may be given now, over the push channel.
    func push(to devices: [DeviceID], at now: Date = Date().roundedToMilliseconds) async {
        let connected = hub.connected(among: devices)
        guard !connected.isEmpty else { return }
        do {
            let delivered = try await store.deliverCommands(to: connected, at: now, limit: CommandQueue.maximumPerDelivery)
            for (deviceID, commands) in delivered {
                hub.send(PushMessage(type: .commands, commands: commands.map(\.pending), serverTime: now), to: deviceID)
            }
        } catch {
            // The commands stay queued: the next check-in or sweep hands them out.
            logger.warning("push delivery failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }

    /// What a device checking in may be given now.
    func deliver(to deviceID: DeviceID, at now: Date) async throws -> [PendingCommand] {
        try await store.deliverCommands(to: [deviceID], at: now, limit: CommandQueue.maximumPerDelivery)[deviceID]?.map(\.pending)
            ?? []
    }

    /// Records a device's outcomes, group-committed with other devices'.
    func record(_ results: [CommandOutcome], from deviceID: DeviceID) async throws -> CommandResultsResponse {
        var recorded: [String] = []
        var refused: [String: String] = [:]
        try await withThrowingTaskGroup(of: (String, Result<DeviceCommand, CommandOutcomeRefusal>).self) { group in
            for outcome in results {
                group.addTask { (outcome.commandID, try await self.outcomes.submit(ReportedOutcome(deviceID: deviceID, outcome: outcome))) }
            }
            for try await (id, result) in group {
                switch result {
                case .success: recorded.append(id)
                case .failure(let refusal): refused[id] = refusal.message
                }
            }
        }
        return CommandResultsResponse(recorded: results.map(\.commandID).filter(recorded.contains), refused: refused)
    }

    // MARK: Access changes

    /// Blocks or restores a device's PHI apps when its access decision turned, and tells a
    /// connected agent at once.
    func accessChanged(_ changes: [AccessChange]) async {
        for change in changes {
            let kind: CommandKind = change.status.state == .allowed ? .restorePHI : .blockPHI
            let draft = CommandDraft(
                kind: kind, reason: "access \(change.status.state.rawValue): " + change.status.reasons.joined(separator: "; "),
                idempotencyKey: "access-\(change.revision)")
            do {
                // Two evaluations may publish at once: act only on the decision recorded now.
                guard let subject = try await store.evaluationSubject(deviceID: change.deviceID, at: change.at),
                    subject.device.retirement == nil,
                    subject.recorded?.decision.allowed == (change.status.state == .allowed)
                else { continue }
                hub.send(PushMessage(type: .access, access: change.status, serverTime: change.at), to: change.deviceID)
                try await store.announceAccess(change.status, of: change.deviceID, origin: replicaID)
                let device = subject.device
                // Restore only what a block took away: a device that was never blocked gets no restore.
                if kind == .restorePHI, try await lastAccessCommand(of: device.id)?.kind != .blockPHI { continue }
                _ = try await issue(
                    draft, to: device, origin: .access, issuer: .system("access decision"), at: change.at,
                    audit: Self.systemEvent("access decision", at: change.at))
            } catch {
                logger.error(
                    "could not queue the PHI command of an access change",
                    metadata: ["device": "\(change.deviceID)", "error": "\(String(describing: type(of: error)))"])
            }
        }
    }

    /// The newest block or restore the access decision issued to a device.
    private func lastAccessCommand(of deviceID: DeviceID) async throws -> DeviceCommand? {
        var page = try PageRequest(limit: PageRequest.maximumLimit)
        while true {
            let found = try await store.commands(CommandFilter(deviceID: deviceID), page)
            if let command = found.items.first(where: { $0.origin == .access }) { return command }
            guard let next = found.nextAfter else { return nil }
            page = try PageRequest(limit: PageRequest.maximumLimit, after: next)
        }
    }

    /// An event maker for background work, by the system actor `name`.
    static func systemEvent(_ name: String, at time: Date) -> AuditEventMaker {
        { action, target, reason in
            AuditEventDraft(occurredAt: time, actor: .system(name), action: action, target: target, outcome: .success, reason: reason)
        }
    }
}

/// A device's access decision turned (allowed to denied, or back), as an evaluation recorded it.
struct AccessChange: Sendable, Equatable {
    let deviceID: DeviceID
    let status: AccessStatus
    /// The evaluation's revision: names the block or restore command, so that it is queued once.
    let revision: Int64
    let at: Date
}

extension AuditActor {
    /// The actor without the token it acted through: who, not how, for records that outlive tokens.
    var withoutToken: AuditActor { AuditActor(kind: kind, id: id) }
}

extension DeviceCommand {
    /// The command for the audit trail: identifier, kind, state and why; never its parameters
    /// (a lock-screen message, a phone number) nor the device's free-text result, which stays on
    /// the command.
    var summary: String { "\(id) \(kind.rawValue) \(state.rawValue): \(reason)" }
}
