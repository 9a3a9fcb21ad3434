import Foundation
import VigilCore

/// The ledger's statements, written once for both backends.
enum LedgerSQL {
    /// The columns of an entry in canonical order (`docs/ledger.md`), then the stored leaf hash.
    static let entryColumns = """
        sequence, occurred_at, id, actor_kind, actor_id, actor_token_id, action, target_type, target_id, \
        outcome, reason, source_address, request_id, phi_patient_id, phi_device_id, phi_purpose, phi_place, leaf_hash
        """

    static let lastSequence = SQLStatement("SELECT COALESCE(MAX(sequence), 0) FROM audit_events")

    /// One event's insert, for SQLite's prepared statement.
    static let insertSQL =
        "INSERT INTO audit_events (\(entryColumns)) VALUES (\(Array(repeating: "?", count: 18).joined(separator: ", ")))"

    /// The most events one multi-row insert carries (18 values each, well under PostgreSQL's
    /// 65,535 parameters).
    static let rowsPerInsert = 1_000

    /// Inserts events, with their leaf hashes, in one statement.
    static func insert(_ events: ArraySlice<AuditEvent>) -> SQLStatement {
        let row = "(" + Array(repeating: "?", count: 18).joined(separator: ", ") + ")"
        var values: [SQLValue] = []
        values.reserveCapacity(events.count * 18)
        for event in events {
            values += [.integer(event.sequence), .date(event.occurredAt)]
            event.forEachLedgerTextField { values.append(.text($0)) }
            values.append(.blob(Data(event.ledgerEntryWriter().leafHash.bytes)))
        }
        return SQLStatement(
            "INSERT INTO audit_events (\(entryColumns)) VALUES " + Array(repeating: row, count: events.count).joined(separator: ", "),
            values)
    }

    /// Records the leaf hash of an event that predates the ledger (migration 3 only).
    static func recordLeafHash(_ check: LedgerLeafCheck) -> SQLStatement {
        SQLStatement(
            "UPDATE audit_events SET leaf_hash = ? WHERE sequence = ? AND leaf_hash IS NULL",
            [.blob(Data(check.recomputed.bytes)), .integer(check.sequence)])
    }

    /// Entries after `sequence` up to `last`, in order, with every column of the entry bytes.
    static func entries(after sequence: Int64, through last: Int64) -> SQLStatement {
        SQLStatement(entriesSQL, [.integer(sequence), .integer(last)])
    }

    static let entriesSQL =
        "SELECT \(entryColumns) FROM audit_events WHERE sequence > ? AND sequence <= ? ORDER BY sequence"

    /// Stored leaf hashes after `sequence` up to `through`, in order.
    static func leafHashes(after sequence: Int64, through last: Int64) -> SQLStatement {
        SQLStatement(
            "SELECT sequence, leaf_hash FROM audit_events WHERE sequence > ? AND sequence <= ? ORDER BY sequence",
            [.integer(sequence), .integer(last)])
    }

    static let headColumns = "tree_size, root_hash, signed_at, key_id, signature, frontier"

    static func insertHead(_ head: SignedTreeHead, frontier: MerkleFrontier) -> SQLStatement {
        SQLStatement(
            "INSERT INTO ledger_heads (\(headColumns)) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(head.treeSize), .blob(Data(head.rootHash.bytes)), .integer(head.timestamp), .text(head.keyID),
             .blob(head.signature), .blob(Data(frontier.subtrees.flatMap(\.bytes)))])
    }

    static let latestHead = SQLStatement(
        "SELECT \(headColumns) FROM ledger_heads ORDER BY tree_size DESC LIMIT 1")

    /// The smallest head covering at least `treeSize` entries.
    static func head(covering treeSize: Int64) -> SQLStatement {
        SQLStatement(
            "SELECT \(headColumns) FROM ledger_heads WHERE tree_size >= ? ORDER BY tree_size LIMIT 1",
            [.integer(treeSize)])
    }

    static func head(treeSize: Int64) -> SQLStatement {
        SQLStatement("SELECT \(headColumns) FROM ledger_heads WHERE tree_size = ?", [.integer(treeSize)])
    }

    static let allHeads = SQLStatement("SELECT \(headColumns) FROM ledger_heads ORDER BY tree_size")

    static let keys = SQLStatement("SELECT id, public_key, created_at, retired_at FROM ledger_keys ORDER BY created_at, id")

    static func retireKeys(at time: Date) -> SQLStatement {
        SQLStatement("UPDATE ledger_keys SET retired_at = ? WHERE retired_at IS NULL", [.date(time)])
    }

    static func insertKey(_ key: Ed25519PublicKey, at time: Date) -> SQLStatement {
        SQLStatement(
            "INSERT INTO ledger_keys (id, public_key, created_at, retired_at) VALUES (?, ?, ?, NULL)",
            [.text(key.id), .blob(key.rawRepresentation), .date(time)])
    }

    /// Which events of a search, in which order.
    enum SearchRange {
        /// Newest first, before the sequence of the cursor (the audit trail's pages).
        case newestFirst(before: Int64?)
        /// Oldest first, after one sequence up to another (exports).
        case oldestFirst(after: Int64, through: Int64)
    }

    /// The events matching `filter` (see ``AuditEventFilter``) in `range`.
    static func search(_ filter: AuditEventFilter, _ range: SearchRange, limit: Int) -> SQLStatement {
        var conditions: [String] = []
        var values: [SQLValue] = []
        func add(_ condition: String, _ conditionValues: SQLValue...) {
            conditions.append(condition)
            values += conditionValues
        }
        if let actorID = filter.actorID { add("actor_id = ?", .text(actorID)) }
        if let type = filter.targetType { add("target_type = ?", .text(type)) }
        if let id = filter.targetID { add("target_id = ?", .text(id)) }
        if let action = filter.action { add("action = ?", .text(action.rawValue)) }
        if let from = filter.from { add("occurred_at >= ?", .date(from)) }
        if let until = filter.until { add("occurred_at < ?", .date(until)) }
        if let patientID = filter.patientID { add("phi_patient_id = ?", .text(patientID)) }
        if let personID = filter.personID {
            add("(actor_id = ? OR (target_type = 'person' AND target_id = ?))", .text(personID), .text(personID))
        }
        if let deviceID = filter.deviceID {
            add(
                "(actor_id = ? OR (target_type = 'device' AND target_id = ?) OR phi_device_id = ?)",
                .text(deviceID), .text(deviceID), .text(deviceID))
        }
        let order: String
        switch range {
        case .newestFirst(let before):
            if let before { add("sequence < ?", .integer(before)) }
            order = "DESC"
        case .oldestFirst(let after, let through):
            add("sequence > ?", .integer(after))
            add("sequence <= ?", .integer(through))
            order = "ASC"
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return SQLStatement(
            "SELECT \(Columns.auditEvent) FROM audit_events \(whereClause) ORDER BY sequence \(order) LIMIT ?",
            values + [.integer(Int64(limit))])
    }

    /// The sequence a page cursor of the audit trail stands for.
    static func sequence(cursor: String?) throws -> Int64? {
        guard let cursor else { return nil }
        guard let sequence = Int64(cursor) else {
            throw ValidationError(field: "cursor", message: "is not a position in the audit trail")
        }
        return sequence
    }
}
