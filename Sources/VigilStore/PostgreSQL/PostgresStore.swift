import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import VigilCore

/// The scale-out store: one PostgreSQL database shared by any number of `vigil serve` replicas,
/// through a sized PostgresNIO connection pool.
///
/// Audit sequence numbers are assigned under a transaction-scoped advisory lock, so they are
/// gap-free and in commit order even when replicas write at once.
public final class PostgresStore: VigilStore {
    let client: PostgresClient
    let logger: Logger
    /// The schema the store's tables live in; `nil` for the search path's.
    public let schema: String?
    public let summary: String

    /// The advisory lock keys that serialize writes and migrations.
    static let writeLockKey: Int64 = 0x5649_4749_4C41_5544  // "VIGILAUD"
    static let migrationLockKey: Int64 = 0x5649_4749_4C4D_4947  // "VIGILMIG"

    /// Prepares a pool of connections to the database at `url`; nothing connects until ``run()``.
    /// - Parameters:
    ///   - url: The database.
    ///   - poolSize: The most connections this process opens (default 20).
    ///   - schema: A schema to use instead of `public`, created by ``migrate()`` (tests use one each).
    ///   - logger: Where the driver logs; it never logs passwords or bound values.
    public init(url: PostgresURL, poolSize: Int = 20, schema: String? = nil, logger: Logger) {
        let tls: PostgresClient.Configuration.TLS =
            url.requireTLS ? .require(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: tls)
        configuration.options.maximumConnections = max(1, poolSize)
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.schema = schema
        self.summary = "PostgreSQL at \(url)\(schema.map { " (schema \($0))" } ?? "") with up to \(max(1, poolSize)) connections"
    }

    public func run() async throws {
        await client.run()
    }

    public func checkReadiness() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    public func migrate() async throws {
        if let schema {
            try await client.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: Self.quoted(schema))", logger: logger)
        }
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS vigil_schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM vigil_schema_migrations", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await migration.then?(connection, logger)
                let now = Date().millisecondsSince1970
                try await connection.query(
                    """
                    INSERT INTO vigil_schema_migrations (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(now))
                    """, logger: logger)
            }
        }
    }

    /// Removes the store's own schema and everything in it; for tests.
    public func dropSchema() async throws {
        guard let schema else { return }
        try await client.query("DROP SCHEMA IF EXISTS \(unescaped: Self.quoted(schema)) CASCADE", logger: logger)
    }

    /// Runs `body` in one write transaction and turns constraint violations into ``StoreError``s.
    ///
    /// Every write transaction first takes one transaction-scoped advisory lock, so writers are
    /// serialized as in SQLite: audit sequence numbers are gap-free and in commit order, checks
    /// such as "is this the last administrator" cannot race, and locks are always taken in the
    /// same order (no deadlocks). Writes that append no audit event and race only through a
    /// compare-and-set of their own (place reports) pass `lockingAuditTrail: false`.
    func transaction<T: Sendable>(
        lockingAuditTrail: Bool = true, _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                if lockingAuditTrail {
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.writeLockKey))", logger: logger)
                }
                return try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            throw Self.translated(error.closureError ?? error.commitError ?? error)
        } catch {
            throw Self.translated(error)
        }
    }

    static func translated(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return error }
        if state == "23505" {
            return StoreError.conflict(ConflictMessage.forConstraint(error.serverInfo?[.constraintName] ?? ""))
        }
        if state.hasPrefix("22") { return StoreError.invalidValue }  // data exception, such as a NUL in text
        return error
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Appends an audit event inside the caller's transaction (which holds the write lock), with
    /// its ledger leaf hash.
    @discardableResult
    func append(_ event: AuditEventDraft, on connection: PostgresConnection) async throws -> AuditEvent {
        try await append([event], on: connection)[0]
    }

    /// Appends audit events in order inside the caller's transaction.
    func append(_ drafts: [AuditEventDraft], on connection: PostgresConnection) async throws -> [AuditEvent] {
        let last = try await connection.run(LedgerSQL.lastSequence, logger: logger) { try $0.integer(0) }.first ?? 0
        let events = drafts.enumerated().map { AuditEvent($0.element, sequence: last + 1 + Int64($0.offset)) }
        // Many rows per statement: one round trip per 1,000 events instead of one per event.
        for start in stride(from: 0, to: events.count, by: LedgerSQL.rowsPerInsert) {
            let rows = events[start..<min(start + LedgerSQL.rowsPerInsert, events.count)]
            try await connection.run(LedgerSQL.insert(rows), logger: logger)
        }
        return events
    }
}
