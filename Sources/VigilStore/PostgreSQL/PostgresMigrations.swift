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
            statements: [
                """
                CREATE TABLE facilities (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    address TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE people (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    email TEXT NOT NULL UNIQUE,
                    affiliation TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    facility_ids TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE api_tokens (
                    id TEXT PRIMARY KEY,
                    owner_id TEXT NOT NULL REFERENCES people(id),
                    name TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    secret_hash TEXT NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    revoked_at BIGINT,
                    last_used_at BIGINT,
                    created_by TEXT REFERENCES people(id)
                )
                """,
                "CREATE INDEX api_tokens_owner ON api_tokens(owner_id, id)",
                """
                CREATE TABLE audit_events (
                    sequence BIGINT PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    occurred_at BIGINT NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor_id TEXT,
                    actor_token_id TEXT,
                    action TEXT NOT NULL,
                    target_type TEXT,
                    target_id TEXT,
                    outcome TEXT NOT NULL,
                    reason TEXT,
                    source_address TEXT,
                    request_id TEXT
                )
                """,
                "CREATE INDEX audit_events_actor ON audit_events(actor_id, sequence)",
                "CREATE INDEX audit_events_target ON audit_events(target_type, target_id, sequence)",
                "CREATE INDEX audit_events_action ON audit_events(action, sequence)",
                "CREATE INDEX audit_events_time ON audit_events(occurred_at)",
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
    ]
}
