/// The first schema: the tables and indexes both backends create identically. Each backend adds
/// its own append-only triggers. Shipped: never edit; add the next version beside it.
enum SchemaV1 {
    /// The statements, with the audit sequence column typed for the backend: `INTEGER` in SQLite
    /// (so that it is the table's row ID), `BIGINT` in PostgreSQL.
    static func tablesAndIndexes(sequenceType: String) -> [String] { [
        """
        CREATE TABLE facilities (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE people (
            id TEXT PRIMARY KEY NOT NULL,
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
            id TEXT PRIMARY KEY NOT NULL,
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
            sequence \(sequenceType) PRIMARY KEY NOT NULL,
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
    ] }
}
