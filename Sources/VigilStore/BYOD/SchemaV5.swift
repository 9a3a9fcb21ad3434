/// The fifth schema version: the BYOD program (`docs/byod.md`). Agreements and their
/// acceptances, the program's settings (approval rules, the collection matrix), the app catalog
/// with its assessments, daily risk snapshots, and the device facts that the collection matrix
/// governs. Both backends create it identically. Shipped: never edit; add the next version beside it.
enum SchemaV5 {
    static let tablesAndIndexes: [String] = [
        """
        CREATE TABLE agreements (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            version BIGINT NOT NULL,
            kind TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            effective_at BIGINT NOT NULL,
            published_at BIGINT NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (name, version)
        )
        """,
        """
        CREATE TABLE agreement_acceptances (
            id TEXT PRIMARY KEY NOT NULL,
            agreement_id TEXT NOT NULL REFERENCES agreements(id),
            person_id TEXT NOT NULL REFERENCES people(id),
            device_id TEXT REFERENCES devices(id),
            sha256 TEXT NOT NULL,
            accepted_at BIGINT NOT NULL,
            UNIQUE (agreement_id, person_id)
        )
        """,
        "CREATE INDEX agreement_acceptances_person ON agreement_acceptances(person_id)",
        """
        CREATE TABLE person_agreements (
            person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id),
            accepted TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE byod_settings (
            name TEXT PRIMARY KEY NOT NULL,
            version BIGINT NOT NULL,
            document TEXT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE catalog_apps (
            id TEXT PRIMARY KEY NOT NULL,
            version BIGINT NOT NULL,
            handles_phi BIGINT NOT NULL,
            approved_for_phi BIGINT NOT NULL,
            document TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE risk_snapshots (
            day TEXT PRIMARY KEY NOT NULL,
            document TEXT NOT NULL,
            recorded_at BIGINT NOT NULL
        )
        """,
        "ALTER TABLE devices ADD COLUMN phone_number TEXT",
        "ALTER TABLE devices ADD COLUMN hardware_identifiers TEXT",
    ]
}
