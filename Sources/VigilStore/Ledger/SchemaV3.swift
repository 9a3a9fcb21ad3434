/// The third schema version: the tamper-evident ledger. Audit events gain the PHI access columns
/// and the leaf hash recorded at append time; signed tree heads and the public signing keys get
/// their tables. Shipped: never edit; add the next version beside it.
enum SchemaV3 {
    /// The statements, with the backend's binary column type (`BLOB` or `BYTEA`).
    static func tablesAndIndexes(binaryType: String) -> [String] { [
        "ALTER TABLE audit_events ADD COLUMN phi_patient_id TEXT",
        "ALTER TABLE audit_events ADD COLUMN phi_device_id TEXT",
        "ALTER TABLE audit_events ADD COLUMN phi_purpose TEXT",
        "ALTER TABLE audit_events ADD COLUMN phi_place TEXT",
        "ALTER TABLE audit_events ADD COLUMN leaf_hash \(binaryType)",
        "CREATE INDEX audit_events_patient ON audit_events(phi_patient_id, sequence)",
        "CREATE INDEX audit_events_phi_device ON audit_events(phi_device_id, sequence)",
        """
        CREATE TABLE ledger_heads (
            tree_size BIGINT PRIMARY KEY NOT NULL,
            root_hash \(binaryType) NOT NULL,
            signed_at BIGINT NOT NULL,
            key_id TEXT NOT NULL,
            signature \(binaryType) NOT NULL,
            frontier \(binaryType) NOT NULL
        )
        """,
        """
        CREATE TABLE ledger_keys (
            id TEXT PRIMARY KEY NOT NULL,
            public_key \(binaryType) NOT NULL,
            created_at BIGINT NOT NULL,
            retired_at BIGINT
        )
        """,
    ] }
}
