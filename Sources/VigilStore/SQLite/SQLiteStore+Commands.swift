import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func enqueueCommands(
        _ commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date,
        audit: @escaping @Sendable ([EnqueuedCommand]) -> [AuditEventDraft]
    ) async throws -> [EnqueuedCommand] {
        guard !commands.isEmpty else { return [] }
        return try await write { db in
            for deviceID in Set(commands.map(\.deviceID)) {
                try Self.require(CommandSQL.deviceExists(deviceID), field: "deviceID", id: deviceID.rawValue, in: db)
            }
            let results = try Self.queue(commands, guardRail: guardRail, at: now, in: db)
            if results.contains(where: \.created) { try Self.append(audit(results), in: db) }
            return results
        }
    }

    public func enqueueBatch(
        _ batch: CommandBatch, commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date, audit: AuditEventDraft
    ) async throws -> (batch: CommandBatch, created: Bool) {
        try await write { db in
            if let key = batch.idempotencyKey, let existing = try Self.batch(CommandSQL.batch(idempotencyKey: key), in: db) {
                return (existing, false)
            }
            try db.run(CommandSQL.insertBatch(batch))
            _ = try Self.queue(commands, guardRail: guardRail, at: now, in: db)
            try Self.append(audit, in: db)
            return (try Self.batch(CommandSQL.batch(id: batch.id), in: db) ?? batch, true)
        }
    }

    public func commandTargets(_ filter: DeviceFilter) async throws -> [CommandTarget] {
        let statement = try CommandSQL.targets(filter)
        return try await pool.read { db in try db.run(statement, CommandSQL.target(stored:)) }
    }

    public func command(id: CommandID) async throws -> DeviceCommand? {
        try await pool.read { db in try db.run(CommandSQL.command(id: id, forUpdate: false), DeviceCommand.init(stored:)).first }
    }

    public func command(deviceID: DeviceID, idempotencyKey: String) async throws -> DeviceCommand? {
        let statement = CommandSQL.command(deviceID: deviceID, idempotencyKey: idempotencyKey)
        return try await pool.read { db in try db.run(statement, DeviceCommand.init(stored:)).first }
    }

    public func commands(_ filter: CommandFilter, _ page: PageRequest) async throws -> Page<DeviceCommand> {
        let commands = try await pool.read { db in try db.run(CommandSQL.commands(filter, page), DeviceCommand.init(stored:)) }
        return Page(fetched: commands, request: page) { $0.id.rawValue }
    }

    public func commandBatch(id: CommandBatchID) async throws -> CommandBatch? {
        try await pool.read { db in try Self.batch(CommandSQL.batch(id: id), in: db) }
    }

    /// Reads first; writes only the slices that have something to hand out.
    public func deliverCommands(to devices: [DeviceID], at now: Date, limit: Int) async throws -> [DeviceID: [DeviceCommand]] {
        var due: [[DeviceID]] = []
        for slice in CommandQueueing.slices(devices) {
            let found = try await pool.read { db in try db.run(CommandSQL.anyDeliverable(to: slice, at: now)) { _ in true } }
            if !found.isEmpty { due.append(slice) }
        }
        guard !due.isEmpty else { return [:] }
        return try await write { [due] db in
            var delivered: [DeviceID: [DeviceCommand]] = [:]
            for slice in due {
                let waiting = try db.run(CommandSQL.deliverable(to: slice, at: now, forUpdate: false), DeviceCommand.init(stored:))
                let (handedOut, mark) = CommandQueueing.handOut(waiting, at: now, limit: limit)
                if let mark { try db.run(mark) }
                delivered.merge(handedOut) { first, _ in first }
            }
            return delivered
        }
    }

    public func recordCommandOutcomes(
        _ outcomes: [(deviceID: DeviceID, outcome: CommandOutcome)], at now: Date,
        audit: @escaping @Sendable (DeviceCommand) -> AuditEventDraft?
    ) async throws -> [Result<DeviceCommand, CommandOutcomeRefusal>] {
        guard !outcomes.isEmpty else { return [] }
        return try await write { db in
            var events: [AuditEventDraft] = []
            let results = try outcomes.map { deviceID, outcome -> Result<DeviceCommand, CommandOutcomeRefusal> in
                let id = CommandID(rawValue: outcome.commandID)
                let stored = try db.run(CommandSQL.command(id: id, forUpdate: false), DeviceCommand.init(stored:)).first
                let result = CommandQueueing.recording(outcome, on: stored, of: deviceID, at: now)
                if case .success(let command) = result {
                    try db.run(CommandSQL.update(command))
                    if let event = audit(command) { events.append(event) }
                }
                return result
            }
            if !events.isEmpty { try Self.append(events, in: db) }
            return results
        }
    }

    public func updateCommand(
        id: CommandID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout DeviceCommand) throws -> Void
    ) async throws -> DeviceCommand {
        try await write { db in
            guard var command = try db.run(CommandSQL.command(id: id, forUpdate: false), DeviceCommand.init(stored:)).first else {
                throw StoreError.notFound("command \(id)")
            }
            try change(&command)
            try db.run(CommandSQL.update(command))
            try Self.append(audit, in: db)
            return command
        }
    }

    public func expireCommands(
        at now: Date, limit: Int, audit: @escaping @Sendable (DeviceCommand) -> AuditEventDraft
    ) async throws -> [DeviceCommand] {
        try await write { db in
            let expired = try db.run(CommandSQL.expiring(at: now, limit: limit, forUpdate: false), DeviceCommand.init(stored:))
                .compactMap { CommandQueueing.expired($0, at: now) }
            for command in expired { try db.run(CommandSQL.update(command)) }
            if !expired.isEmpty { try Self.append(expired.map(audit), in: db) }
            return expired
        }
    }

    public func devicesWithCommandsAvailable(after: Date, through: Date, limit: Int) async throws -> [DeviceID] {
        try await pool.read { db in
            try db.run(CommandSQL.devicesWithCommandsAvailable(after: after, through: through, limit: limit)) {
                try $0.identifier(0)
            }
        }
    }

    /// One process uses a SQLite file: what it queues, it pushes itself.
    public func listenForReplicaNotices(_ receive: @escaping @Sendable (ReplicaNotice) async -> Void) async throws {}

    public func announceAccess(_ access: AccessStatus, of deviceID: DeviceID, origin: String) async throws {}

    // MARK: Shared steps

    /// Queues commands inside the caller's transaction: the idempotency keys looked up, the
    /// guard-rail applied, the new ones inserted.
    static func queue(_ commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date, in db: Database) throws -> [EnqueuedCommand] {
        var existing: [Int: DeviceCommand] = [:]
        for lookup in CommandQueueing.keyLookups(commands) {
            existing[lookup.index] = try db.run(lookup.statement, DeviceCommand.init(stored:)).first
        }
        let wipes = commands.contains(where: \.kind.isWipe)
            ? Int(try db.run(CommandSQL.recentWipes(since: now.addingTimeInterval(-WipeGuardRail.window))) { try $0.integer(0) }.first ?? 0)
            : 0
        let plan = CommandQueueing.plan(commands, existing: existing, recentWipes: wipes, guardRail: guardRail)
        for statement in CommandSQL.insert(plan.insert) { try db.run(statement) }
        return plan.results
    }

    /// The batch `statement` finds, with its commands counted by state.
    static func batch(_ statement: SQLStatement, in db: Database) throws -> CommandBatch? {
        guard var batch = try db.run(statement, CommandBatch.init(stored:)).first else { return nil }
        batch.states = Dictionary(uniqueKeysWithValues: try db.run(CommandSQL.batchStates(id: batch.id), CommandSQL.stateCount(stored:)))
        return batch
    }
}
