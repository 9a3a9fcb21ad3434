/// The second schema version: devices, their enrollment invitations and posture history. Both
/// backends create it identically. Shipped: never edit; add the next version beside it.
enum SchemaV2 {
    static let tablesAndIndexes: [String] = [
        """
        CREATE TABLE enrollment_invitations (
            id TEXT PRIMARY KEY NOT NULL,
            person_id TEXT NOT NULL REFERENCES people(id),
            facility_id TEXT REFERENCES facilities(id),
            ownership TEXT NOT NULL,
            device_class TEXT NOT NULL,
            medical_kind TEXT,
            note TEXT,
            created_by TEXT REFERENCES people(id),
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT,
            device_id TEXT,
            revoked_at BIGINT,
            code_hash TEXT NOT NULL UNIQUE
        )
        """,
        "CREATE INDEX enrollment_invitations_person ON enrollment_invitations(person_id, id)",
        """
        CREATE TABLE devices (
            id TEXT PRIMARY KEY NOT NULL,
            person_id TEXT NOT NULL REFERENCES people(id),
            facility_id TEXT REFERENCES facilities(id),
            invitation_id TEXT NOT NULL UNIQUE REFERENCES enrollment_invitations(id),
            ownership TEXT NOT NULL,
            device_class TEXT NOT NULL,
            medical_kind TEXT,
            platform TEXT NOT NULL,
            model TEXT NOT NULL,
            os_version TEXT NOT NULL,
            hardware_id TEXT,
            name TEXT,
            public_key TEXT NOT NULL,
            approval TEXT NOT NULL,
            approval_reason TEXT,
            approval_decided_by TEXT REFERENCES people(id),
            approval_decided_at BIGINT,
            compliance TEXT NOT NULL,
            enrolled_at BIGINT NOT NULL,
            last_seen_at BIGINT,
            key_rotated_at BIGINT,
            posture TEXT,
            posture_digest TEXT,
            retired_at BIGINT,
            retired_by TEXT REFERENCES people(id),
            retirement_disposition TEXT,
            retirement_custodian TEXT,
            retirement_note TEXT,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX devices_person ON devices(person_id, id)",
        "CREATE INDEX devices_facility ON devices(facility_id, id)",
        "CREATE INDEX devices_last_seen ON devices(last_seen_at, id)",
        "CREATE INDEX devices_approval ON devices(approval, id)",
        """
        CREATE TABLE device_postures (
            id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL REFERENCES devices(id),
            recorded_at BIGINT NOT NULL,
            posture TEXT NOT NULL
        )
        """,
        "CREATE INDEX device_postures_device ON device_postures(device_id, id)",
        "CREATE INDEX device_postures_time ON device_postures(recorded_at)",
    ]
}
