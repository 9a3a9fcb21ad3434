/// The fourth schema version: security policies, each device's compliance and access decision,
/// due escalation actions, emergency accesses and the access grants' public keys. Both backends
/// create it identically. Shipped: never edit; add the next version beside it.
enum SchemaV4 {
    static let tablesAndIndexes: [String] = [
        """
        CREATE TABLE security_policies (
            name TEXT PRIMARY KEY NOT NULL,
            version BIGINT NOT NULL,
            document TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE device_access (
            device_id TEXT PRIMARY KEY NOT NULL REFERENCES devices(id),
            compliance TEXT NOT NULL,
            failing_since BIGINT,
            grace_until BIGINT,
            failures TEXT NOT NULL,
            denials BIGINT NOT NULL,
            notes BIGINT NOT NULL,
            decision_changed_at BIGINT NOT NULL,
            grants_revoked_at BIGINT,
            evaluated_at BIGINT NOT NULL,
            revision BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE due_actions (
            id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL REFERENCES devices(id),
            action TEXT NOT NULL,
            policy_name TEXT NOT NULL,
            policy_version BIGINT NOT NULL,
            due_at BIGINT NOT NULL,
            state TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            resolved_at BIGINT
        )
        """,
        "CREATE INDEX due_actions_device ON due_actions(device_id, state)",
        "CREATE INDEX due_actions_due ON due_actions(state, due_at, id)",
        """
        CREATE TABLE emergency_accesses (
            id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL REFERENCES devices(id),
            person_id TEXT NOT NULL REFERENCES people(id),
            reason TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            reviewed_by TEXT REFERENCES people(id),
            reviewed_at BIGINT,
            review_note TEXT
        )
        """,
        "CREATE INDEX emergency_accesses_device ON emergency_accesses(device_id, expires_at)",
        """
        CREATE TABLE grant_keys (
            id TEXT PRIMARY KEY NOT NULL,
            public_key TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            retired_at BIGINT
        )
        """,
    ]
}
