/// The PostgreSQL schema, as numbered migrations. A shipped migration is never edited: add the next.
///
/// Each migration is a list of statements, run in one transaction together with its entry in
/// `vigil_schema_migrations`.
enum PostgresMigrations {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
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
    ]
}
