import Foundation
import VigilCore

/// The statements of command queues and batches, written once for both backends.
enum CommandSQL {
    static let columns = """
        id, device_id, kind, parameters, priority, state, origin, issued_by, reason, idempotency_key, batch_id, \
        created_at, available_at, expires_at, attempts, delivered_at, ended_at, result, approved_by, cancelled_by
        """
    static let batchColumns = "id, kind, issued_by, reason, created_at, device_count, refused_count, idempotency_key"

    /// The states in which a command waits for its device (``CommandState/waiting``), as SQL.
    static let waitingStates = sqlList(CommandState.allCases.filter(CommandState.waiting.contains).map(\.rawValue))
    /// The kinds the wipe guard-rail counts (``CommandKind/isWipe``), as SQL.
    static let wipeKinds = sqlList(CommandKind.allCases.filter(\.isWipe).map(\.rawValue))

    /// `('a', 'b')` of raw values that need no escaping (enumerations' own names).
    static func sqlList(_ values: [String]) -> String { "(" + values.map { "'\($0)'" }.joined(separator: ", ") + ")" }

    /// PostgreSQL's lock for rows a delivery or an expiry takes: rows another transaction holds
    /// are skipped, not waited for (that transaction is handing them out or ending them).
    static let skipLocked = " FOR UPDATE SKIP LOCKED"

    /// Rows per insert statement: 21 values each, well under both backends' limits on parameters.
    static let rowsPerInsert = 500

    /// Inserts commands, in statements of at most ``rowsPerInsert`` rows.
    static func insert(_ commands: [DeviceCommand]) -> [SQLStatement] {
        // A batch's commands share their parameters and issuer: each is encoded once, not per row.
        var encoded = StoredJSON.Memo()
        return stride(from: 0, to: commands.count, by: rowsPerInsert).map { start in
            let chunk = commands[start..<min(start + rowsPerInsert, commands.count)]
            let row = "(" + PlaceSQL.placeholders(21) + ")"
            return SQLStatement(
                "INSERT INTO commands (\(columns), priority_rank) VALUES "
                    + Array(repeating: row, count: chunk.count).joined(separator: ", "),
                chunk.flatMap { $0.storedValues(encoding: &encoded) })
        }
    }

    /// The wipes queued since `since` that count against the guard-rail: not those waiting for
    /// approval, nor those cancelled before any delivery.
    static func recentWipes(since: Date) -> SQLStatement {
        SQLStatement(
            """
            SELECT COUNT(*) FROM commands WHERE kind IN \(wipeKinds) AND created_at > ?
                AND state <> 'held' AND NOT (state = 'cancelled' AND delivered_at IS NULL)
            """, [.date(since)])
    }

    /// The command of a device holding an idempotency key.
    static func command(deviceID: DeviceID, idempotencyKey: String) -> SQLStatement {
        SQLStatement(
            "SELECT \(columns) FROM commands WHERE device_id = ? AND idempotency_key = ?",
            [.identifier(deviceID), .text(idempotencyKey)])
    }

    static func command(id: CommandID, forUpdate: Bool) -> SQLStatement {
        SQLStatement("SELECT \(columns) FROM commands WHERE id = ?\(forUpdate ? DeviceSQL.lock : "")", [.identifier(id)])
    }

    /// Newest first, from the page's cursor (an identifier) on.
    static func commands(_ filter: CommandFilter, _ page: PageRequest) -> SQLStatement {
        var conditions: [(String, SQLValue)] = []
        if let deviceID = filter.deviceID { conditions.append(("device_id = ?", .identifier(deviceID))) }
        if let state = filter.state { conditions.append(("state = ?", .enumeration(state))) }
        if let batchID = filter.batchID { conditions.append(("batch_id = ?", .identifier(batchID))) }
        if let after = page.after { conditions.append(("id < ?", .text(after))) }
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.map(\.0).joined(separator: " AND ")
        return SQLStatement(
            "SELECT \(columns) FROM commands\(clause) ORDER BY id DESC LIMIT ?",
            conditions.map(\.1) + [.integer(Int64(page.limit + 1))])
    }

    /// Writes every column a transition may change.
    static func update(_ command: DeviceCommand) -> SQLStatement {
        SQLStatement(
            """
            UPDATE commands SET state = ?, available_at = ?, attempts = ?, delivered_at = ?, ended_at = ?, result = ?,
                approved_by = ?, cancelled_by = ?
            WHERE id = ?
            """,
            [.enumeration(command.state), .date(command.availableAt), .integer(Int64(command.attempts)),
             .date(command.deliveredAt), .date(command.endedAt), .text(command.result), .identifier(command.approvedBy),
             .identifier(command.cancelledBy), .identifier(command.id)])
    }

    /// The waiting commands of these devices that may be delivered now, in queue order per device.
    static func deliverable(to devices: [DeviceID], at now: Date, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            """
            SELECT \(columns) FROM commands
            WHERE device_id IN (\(PlaceSQL.placeholders(devices.count))) AND state IN \(waitingStates)
                AND available_at <= ? AND expires_at > ?
            ORDER BY device_id, priority_rank DESC, created_at, id\(forUpdate ? skipLocked : "")
            """, devices.map { .identifier($0) } + [.date(now), .date(now)])
    }

    /// Whether any of these devices has a command that may be delivered now: a read, so that a
    /// check-in with nothing waiting (nearly every one) opens no write transaction.
    static func anyDeliverable(to devices: [DeviceID], at now: Date) -> SQLStatement {
        SQLStatement(
            """
            SELECT 1 FROM commands
            WHERE device_id IN (\(PlaceSQL.placeholders(devices.count))) AND state IN \(waitingStates)
                AND available_at <= ? AND expires_at > ? LIMIT 1
            """, devices.map { .identifier($0) } + [.date(now), .date(now)])
    }

    /// Marks commands delivered at `now`, to be offered again after `redeliveryDelay`.
    static func markDelivered(_ ids: [CommandID], at now: Date, redeliveryDelay: TimeInterval) -> SQLStatement {
        SQLStatement(
            """
            UPDATE commands SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, available_at = ?
            WHERE id IN (\(PlaceSQL.placeholders(ids.count)))
            """, [.date(now), .date(now.addingTimeInterval(redeliveryDelay))] + ids.map { .identifier($0) })
    }

    /// The open commands whose expiry has passed, oldest expiry first.
    static func expiring(at now: Date, limit: Int, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            "SELECT \(columns) FROM commands WHERE ended_at IS NULL AND expires_at <= ? ORDER BY expires_at, id LIMIT ?"
                + (forUpdate ? skipLocked : ""), [.date(now), .integer(Int64(limit))])
    }

    static func devicesWithCommandsAvailable(after: Date, through: Date, limit: Int) -> SQLStatement {
        SQLStatement(
            """
            SELECT DISTINCT device_id FROM commands
            WHERE state IN \(waitingStates) AND available_at > ? AND available_at <= ? LIMIT ?
            """, [.date(after), .date(through), .integer(Int64(limit))])
    }

    // MARK: Batches

    static func insertBatch(_ batch: CommandBatch) -> SQLStatement {
        SQLStatement(
            "INSERT INTO command_batches (\(batchColumns)) VALUES (\(PlaceSQL.placeholders(8)))",
            [.identifier(batch.id), .enumeration(batch.kind), .text(StoredJSON.encode(batch.issuedBy)), .text(batch.reason),
             .date(batch.createdAt), .integer(Int64(batch.deviceCount)), .integer(Int64(batch.refusedCount)),
             .text(batch.idempotencyKey)])
    }

    static func batch(id: CommandBatchID) -> SQLStatement {
        SQLStatement("SELECT \(batchColumns) FROM command_batches WHERE id = ?", [.identifier(id)])
    }

    static func batch(idempotencyKey: String) -> SQLStatement {
        SQLStatement("SELECT \(batchColumns) FROM command_batches WHERE idempotency_key = ?", [.text(idempotencyKey)])
    }

    static func batchStates(id: CommandBatchID) -> SQLStatement {
        SQLStatement("SELECT state, COUNT(*) FROM commands WHERE batch_id = ? GROUP BY state", [.identifier(id)])
    }

    /// Reads a row of ``batchStates(id:)``.
    static func stateCount(stored row: some StoredRow) throws -> (CommandState, Int) {
        (try row.enumeration(0, column: "commands.state"), Int(try row.integer(1)))
    }

    /// The devices a batch selects, as ``CommandTarget``s.
    static func targets(_ filter: DeviceFilter) throws -> SQLStatement {
        try DeviceSQL.devices(filter, sort: .enrolledAt, nil, columns: "id, ownership")
    }

    /// Reads a row of ``targets(_:)``.
    static func target(stored row: some StoredRow) throws -> CommandTarget {
        CommandTarget(deviceID: try row.identifier(0), ownership: try row.enumeration(1, column: "devices.ownership"))
    }

    static func deviceExists(_ id: DeviceID) -> SQLStatement {
        SQLStatement("SELECT 1 FROM devices WHERE id = ?", [.identifier(id)])
    }
}
