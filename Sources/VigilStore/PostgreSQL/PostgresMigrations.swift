import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations. A shipped migration is never edited: add the next.
///
/// Each migration is a list of statements, run in one transaction together with its entry in
/// `vigil_schema_migrations`.
enum PostgresMigrations {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
        /// Work done in Swift after the statements, in the same transaction.
        var then: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil
    }

    static let all: [Migration] = [
        Migration(
            version: 1, name: "people_facilities_tokens_audit",
            statements: SchemaV1.tablesAndIndexes(sequenceType: "BIGINT") + [
                """
                CREATE FUNCTION vigil_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit events are append-only'; END;
                $$
                """,
                """
                CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION vigil_audit_events_append_only()
                """,
                """
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_events_append_only()
                """,
            ]),
        Migration(version: 2, name: "devices", statements: SchemaV2.tablesAndIndexes),
        Migration(
            version: 3, name: "ledger",
            statements: SchemaV3.tablesAndIndexes(binaryType: "BYTEA") + [
                """
                CREATE FUNCTION vigil_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the ledger''s heads and keys are append-only'; END;
                $$
                """,
                """
                CREATE TRIGGER ledger_heads_no_change BEFORE UPDATE OR DELETE ON ledger_heads
                FOR EACH ROW EXECUTE FUNCTION vigil_ledger_append_only()
                """,
                """
                CREATE TRIGGER ledger_heads_no_truncate BEFORE TRUNCATE ON ledger_heads
                FOR EACH STATEMENT EXECUTE FUNCTION vigil_ledger_append_only()
                """,
                """
                CREATE TRIGGER ledger_keys_no_delete BEFORE DELETE ON ledger_keys
                FOR EACH ROW EXECUTE FUNCTION vigil_ledger_append_only()
                """,
                """
                CREATE TRIGGER ledger_keys_no_truncate BEFORE TRUNCATE ON ledger_keys
                FOR EACH STATEMENT EXECUTE FUNCTION vigil_ledger_append_only()
                """,
                """
                CREATE TRIGGER ledger_keys_retire_only BEFORE UPDATE ON ledger_keys FOR EACH ROW
                WHEN (OLD.retired_at IS NOT NULL OR NEW.id IS DISTINCT FROM OLD.id
                    OR NEW.public_key IS DISTINCT FROM OLD.public_key OR NEW.created_at IS DISTINCT FROM OLD.created_at)
                EXECUTE FUNCTION vigil_ledger_append_only()
                """,
            ],
            then: backfillLeafHashes),
        Migration(version: 4, name: "compliance", statements: SchemaV4.tablesAndIndexes),
        Migration(version: 5, name: "byod", statements: SchemaV5.tablesAndIndexes),
        Migration(version: 6, name: "place", statements: SchemaV6.tablesAndIndexes),
        Migration(version: 7, name: "commands", statements: SchemaV7.tablesAndIndexes),
    ]

    /// Fills in the leaf hashes of the events recorded before the ledger existed, with the
    /// append-only trigger lifted for this transaction only.
    @Sendable static func backfillLeafHashes(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change", logger: logger)
        let last = try await connection.run(LedgerSQL.lastSequence, logger: logger) { try $0.integer(0) }.first ?? 0
        for after in stride(from: Int64(0), to: last, by: 1_000) {
            var buffer: [UInt8] = []
            let checks = try await connection.run(LedgerSQL.entries(after: after, through: after + 1_000), logger: logger) {
                try LedgerLeafCheck(storedRow: $0, buffer: &buffer)
            }
            for check in checks { try await connection.run(LedgerSQL.recordLeafHash(check), logger: logger) }
        }
        try await connection.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change", logger: logger)
    }
}
