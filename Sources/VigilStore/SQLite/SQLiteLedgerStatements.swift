import GRDB
import GRDBSQLite
import VigilCore

/// The ledger's two hot paths on SQLite, through the C API: appending binds every column
/// directly, and reading entries for verification hashes the column bytes where SQLite holds
/// them, with no string made per column. Stepping GRDB's cached statements directly bypasses
/// GRDB's change observation, which Vigil does not use.
enum SQLiteLedgerStatements {
    /// Tells SQLite to copy a bound value before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Inserts events (with their leaf hashes) inside the caller's transaction.
    static func insert(_ events: [AuditEvent], in db: Database) throws {
        let statement = try db.cachedStatement(sql: LedgerSQL.insertSQL)
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var buffer: [UInt8] = []
        for event in events {
            sqlite3_reset(handle)
            try check(sqlite3_bind_int64(handle, 1, event.sequence), expected: SQLITE_OK, db)
            try check(sqlite3_bind_int64(handle, 2, event.occurredAt.millisecondsSince1970), expected: SQLITE_OK, db)
            var index: Int32 = 3
            try event.forEachLedgerTextField { field in
                try check(bind(field, at: index, to: handle), expected: SQLITE_OK, db)
                index += 1
            }
            let writer = event.ledgerEntryWriter(reusing: consume buffer)
            try writer.leafHash.withUnsafeBytes { hash in
                try check(sqlite3_bind_blob(handle, 18, hash.baseAddress, 32, transient), expected: SQLITE_OK, db)
            }
            buffer = writer.bytes
            try check(sqlite3_step(handle), expected: SQLITE_DONE, db)
        }
    }

    /// The entries after `sequence` up to `last`, each with its leaf hash recomputed from the
    /// column bytes and its stored leaf hash.
    static func leafChecks(after sequence: Int64, through last: Int64, in db: Database) throws -> [LedgerLeafCheck] {
        let statement = try db.cachedStatement(sql: LedgerSQL.entriesSQL)
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        sqlite3_reset(handle)
        try check(sqlite3_bind_int64(handle, 1, sequence), expected: SQLITE_OK, db)
        try check(sqlite3_bind_int64(handle, 2, last), expected: SQLITE_OK, db)
        var checks: [LedgerLeafCheck] = []
        checks.reserveCapacity(Int(max(0, min(last - sequence, 100_000))))
        var buffer: [UInt8] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            try check(code, expected: SQLITE_ROW, db)
            let rowSequence = sqlite3_column_int64(handle, 0)
            var writer = LedgerEntryWriter(
                sequence: rowSequence, occurredAtMilliseconds: sqlite3_column_int64(handle, 1), reusing: consume buffer)
            for column in Int32(2)..<Int32(2 + LedgerEntryWriter.textFieldCount) {
                writer.text(utf8: columnBytes(handle, column))
            }
            let stored = columnBytes(handle, 17).flatMap { MerkleHash(bytes: $0) }
            checks.append(LedgerLeafCheck(sequence: rowSequence, recomputed: writer.leafHash, stored: stored))
            buffer = writer.bytes
        }
        return checks
    }

    /// A column's bytes where SQLite holds them, or `nil` for NULL.
    private static func columnBytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer? {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return nil
        case SQLITE_BLOB:
            let pointer = sqlite3_column_blob(handle, column)
            return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
        default:
            let pointer = sqlite3_column_text(handle, column)
            return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
        }
    }

    /// Binds a text column: NULL for `nil`, a copy of the UTF-8 bytes otherwise.
    private static func bind(_ text: String?, at index: Int32, to handle: OpaquePointer) -> Int32 {
        guard var text else { return sqlite3_bind_null(handle, index) }
        // An empty buffer may have no address, which SQLite would store as NULL.
        if text.isEmpty { return sqlite3_bind_text(handle, index, "", 0, transient) }
        return text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { characters in
                sqlite3_bind_text64(handle, index, characters.baseAddress, sqlite3_uint64(characters.count), transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    private static func check(_ code: Int32, expected: Int32, _ db: Database) throws {
        guard code != expected else { return }
        throw DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
    }
}
