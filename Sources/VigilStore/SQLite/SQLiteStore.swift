import Foundation
import GRDB
import ServiceLifecycle
import VigilCore

/// The embedded default store: one SQLite file in WAL mode, through GRDB.
///
/// GRDB serializes writes, so every write method runs in one immediate transaction and audit
/// sequence numbers are gap-free in commit order.
public final class SQLiteStore: VigilStore {
    let pool: DatabasePool
    public let summary: String

    /// Opens (and creates if needed) the database file at `path`, with its directory.
    /// - Parameter path: The file, such as `./vigil-data/vigil.sqlite`.
    /// - Throws: When the directory cannot be made or the file is not an SQLite database.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "vigil"
        // A fleet's tables outgrow SQLite's default 2 MB page cache, and then every statement reads
        // pages back through system calls: a larger cache per connection, and reads through a
        // memory map, keep the hot pages at hand (measured by `vigil bench reevaluate`).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        // Every commit reaches the disk before it is acknowledged: an audited write that was
        // answered is never lost, even to a power cut (GRDB's WAL default, NORMAL, may lose it).
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        self.summary = "SQLite at \(path)"
    }

    /// Waits for shutdown, then closes the database (checkpointing the WAL).
    public func run() async throws {
        try? await gracefulShutdown()
        try? pool.close()
    }

    public func migrate() async throws {
        try SQLiteMigrations.migrator.migrate(pool)
    }

    public func checkReadiness() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Runs `body` in one write transaction and turns constraint violations into ``StoreError``s.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError
            where [.SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY].contains(error.extendedResultCode)
        {
            throw StoreError.conflict(ConflictMessage.forConstraint(error.message ?? ""))
        }
    }

    /// Appends an audit event inside the caller's transaction, with its ledger leaf hash.
    @discardableResult
    static func append(_ event: AuditEventDraft, in db: Database) throws -> AuditEvent {
        try append([event], in: db)[0]
    }

    /// Appends audit events in order inside the caller's transaction.
    static func append(_ drafts: [AuditEventDraft], in db: Database) throws -> [AuditEvent] {
        let last = try db.run(LedgerSQL.lastSequence) { try $0.integer(0) }.first ?? 0
        let events = drafts.enumerated().map { AuditEvent($0.element, sequence: last + 1 + Int64($0.offset)) }
        try SQLiteLedgerStatements.insert(events, in: db)
        return events
    }
}
