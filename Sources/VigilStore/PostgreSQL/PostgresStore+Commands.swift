import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    /// Under the audit trail's lock, which also keeps two requests from counting the same hour's
    /// wipes at once.
    public func enqueueCommands(
        _ commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date,
        audit: @escaping @Sendable ([EnqueuedCommand]) -> [AuditEventDraft]
    ) async throws -> [EnqueuedCommand] {
        guard !commands.isEmpty else { return [] }
        return try await transaction { connection in
            for deviceID in Set(commands.map(\.deviceID)) {
                try await require(CommandSQL.deviceExists(deviceID), field: "deviceID", id: deviceID.rawValue, on: connection)
            }
            let results = try await queue(commands, guardRail: guardRail, at: now, on: connection)
            if results.contains(where: \.created) {
                try await append(audit(results), on: connection)
                try await notify(Array(Set(results.filter(\.created).map(\.command.deviceID))), on: connection)
            }
            return results
        }
    }

    public func enqueueBatch(
        _ batch: CommandBatch, commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date, audit: AuditEventDraft
    ) async throws -> (batch: CommandBatch, created: Bool) {
        try await transaction { connection in
            if let key = batch.idempotencyKey,
                let existing = try await self.batch(CommandSQL.batch(idempotencyKey: key), on: connection)
            {
                return (existing, false)
            }
            try await connection.run(CommandSQL.insertBatch(batch), logger: logger)
            _ = try await queue(commands, guardRail: guardRail, at: now, on: connection)
            try await append(audit, on: connection)
            try await notify(nil, on: connection)
            return (try await self.batch(CommandSQL.batch(id: batch.id), on: connection) ?? batch, true)
        }
    }

    public func commandTargets(_ filter: DeviceFilter) async throws -> [CommandTarget] {
        try await read(try CommandSQL.targets(filter), CommandSQL.target(stored:))
    }

    public func command(id: CommandID) async throws -> DeviceCommand? {
        try await read(CommandSQL.command(id: id, forUpdate: false), DeviceCommand.init(stored:)).first
    }

    public func command(deviceID: DeviceID, idempotencyKey: String) async throws -> DeviceCommand? {
        try await read(CommandSQL.command(deviceID: deviceID, idempotencyKey: idempotencyKey), DeviceCommand.init(stored:)).first
    }

    public func commands(_ filter: CommandFilter, _ page: PageRequest) async throws -> Page<DeviceCommand> {
        let commands = try await read(CommandSQL.commands(filter, page), DeviceCommand.init(stored:))
        return Page(fetched: commands, request: page) { $0.id.rawValue }
    }

    public func commandBatch(id: CommandBatchID) async throws -> CommandBatch? {
        try await client.withConnection { connection in try await self.batch(CommandSQL.batch(id: id), on: connection) }
    }

    /// Reads first; then, without the audit trail's lock (a delivery appends no event), hands
    /// out the slices that have something, taking their rows so that two replicas never hand
    /// out one command.
    public func deliverCommands(to devices: [DeviceID], at now: Date, limit: Int) async throws -> [DeviceID: [DeviceCommand]] {
        var due: [[DeviceID]] = []
        for slice in CommandQueueing.slices(devices)
        where try await !read(CommandSQL.anyDeliverable(to: slice, at: now), { _ in true }).isEmpty {
            due.append(slice)
        }
        guard !due.isEmpty else { return [:] }
        return try await transaction(lockingAuditTrail: false) { [due] connection in
            var delivered: [DeviceID: [DeviceCommand]] = [:]
            for slice in due {
                let waiting = try await connection.run(
                    CommandSQL.deliverable(to: slice, at: now, forUpdate: true), logger: logger, DeviceCommand.init(stored:))
                let (handedOut, mark) = CommandQueueing.handOut(waiting, at: now, limit: limit)
                if let mark { try await connection.run(mark, logger: logger) }
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
        return try await transaction { connection in
            var events: [AuditEventDraft] = []
            var results = [Result<DeviceCommand, CommandOutcomeRefusal>](repeating: .failure(.unknownCommand), count: outcomes.count)
            // Rows locked in one order (the commands' identifiers) by every transaction: no deadlock.
            for index in outcomes.indices.sorted(by: { outcomes[$0].outcome.commandID < outcomes[$1].outcome.commandID }) {
                let (deviceID, outcome) = outcomes[index]
                let stored = try await connection.run(
                    CommandSQL.command(id: CommandID(rawValue: outcome.commandID), forUpdate: true), logger: logger,
                    DeviceCommand.init(stored:)
                ).first
                let result = CommandQueueing.recording(outcome, on: stored, of: deviceID, at: now)
                if case .success(let command) = result {
                    try await connection.run(CommandSQL.update(command), logger: logger)
                    if let event = audit(command) { events.append(event) }
                }
                results[index] = result
            }
            if !events.isEmpty { try await append(events, on: connection) }
            return results
        }
    }

    public func updateCommand(
        id: CommandID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout DeviceCommand) throws -> Void
    ) async throws -> DeviceCommand {
        try await transaction { connection in
            guard
                var command = try await connection.run(
                    CommandSQL.command(id: id, forUpdate: true), logger: logger, DeviceCommand.init(stored:)
                ).first
            else { throw StoreError.notFound("command \(id)") }
            try change(&command)
            try await connection.run(CommandSQL.update(command), logger: logger)
            try await append(audit, on: connection)
            // An approved wipe may go out now, from whichever replica holds the device.
            if command.isDeliverable(at: Date()) { try await notify([command.deviceID], on: connection) }
            return command
        }
    }

    public func expireCommands(
        at now: Date, limit: Int, audit: @escaping @Sendable (DeviceCommand) -> AuditEventDraft
    ) async throws -> [DeviceCommand] {
        try await transaction { connection in
            let expired = try await connection.run(
                CommandSQL.expiring(at: now, limit: limit, forUpdate: true), logger: logger, DeviceCommand.init(stored:)
            ).compactMap { CommandQueueing.expired($0, at: now) }
            for command in expired { try await connection.run(CommandSQL.update(command), logger: logger) }
            if !expired.isEmpty { try await append(expired.map(audit), on: connection) }
            return expired
        }
    }

    public func devicesWithCommandsAvailable(after: Date, through: Date, limit: Int) async throws -> [DeviceID] {
        try await read(CommandSQL.devicesWithCommandsAvailable(after: after, through: through, limit: limit)) {
            try $0.identifier(0)
        }
    }

    /// `LISTEN` on this schema's channel on a connection of its own, for as long as the task runs.
    public func listenForReplicaNotices(_ receive: @escaping @Sendable (ReplicaNotice) async -> Void) async throws {
        let channel = commandChannel
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notices in
                for try await notice in notices {
                    if let read = CommandNotice.notice(in: notice.payload) { await receive(read) }
                }
            }
        }
        // The notices ended without an error (the connection closed): an error, so that the caller listens again.
        try Task.checkCancellation()
        throw StoreError.timedOut
    }

    public func announceAccess(_ access: AccessStatus, of deviceID: DeviceID, origin: String) async throws {
        let payload = CommandNotice.payload(access: access, of: deviceID, origin: origin)
        guard payload.utf8.count <= CommandNotice.maximumPayload else { return }  // reasons too long to carry: the command still travels
        _ = try await read(SQLStatement("SELECT pg_notify(?, ?)", [.text(commandChannel), .text(payload)])) { _ in true }
    }

    /// The channel of this store's schema: tests share one database, each in a schema of its own.
    var commandChannel: String { "vigil_commands" + (schema.map { "_" + $0 } ?? "") }

    /// Tells the other replicas, when the transaction commits, that these devices have commands
    /// waiting; `nil` for "maybe any" (a batch, whose devices would not fit a notice).
    func notify(_ devices: [DeviceID]?, on connection: PostgresConnection) async throws {
        for payload in CommandNotice.payloads(for: devices) {
            try await connection.run(SQLStatement("SELECT pg_notify(?, ?)", [.text(commandChannel), .text(payload)]), logger: logger)
        }
    }

    // MARK: Shared steps

    /// Queues commands inside the caller's transaction, like ``SQLiteStore/queue(_:guardRail:at:in:)``.
    func queue(
        _ commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date, on connection: PostgresConnection
    ) async throws -> [EnqueuedCommand] {
        var existing: [Int: DeviceCommand] = [:]
        for lookup in CommandQueueing.keyLookups(commands) {
            existing[lookup.index] = try await connection.run(lookup.statement, logger: logger, DeviceCommand.init(stored:)).first
        }
        var wipes = 0
        if commands.contains(where: \.kind.isWipe) {
            let since = now.addingTimeInterval(-WipeGuardRail.window)
            wipes = Int(try await connection.run(CommandSQL.recentWipes(since: since), logger: logger) { try $0.integer(0) }.first ?? 0)
        }
        let plan = CommandQueueing.plan(commands, existing: existing, recentWipes: wipes, guardRail: guardRail)
        for statement in CommandSQL.insert(plan.insert) { try await connection.run(statement, logger: logger) }
        return plan.results
    }

    /// The batch `statement` finds, with its commands counted by state.
    func batch(_ statement: SQLStatement, on connection: PostgresConnection) async throws -> CommandBatch? {
        guard var batch = try await connection.run(statement, logger: logger, CommandBatch.init(stored:)).first else { return nil }
        batch.states = Dictionary(
            uniqueKeysWithValues: try await connection.run(
                CommandSQL.batchStates(id: batch.id), logger: logger, CommandSQL.stateCount(stored:)))
        return batch
    }
}
