/// The sixth schema version: geofencing and shift-aware access (`docs/geofencing.md`). Facility
/// fences (as GeoJSON), each device's settled place and its transitions, the location fixes kept
/// for hospital-owned devices, shifts and home visits. Both backends create it identically.
/// Shipped: never edit; add the next version beside it.
///
/// Coordinates are integers: degrees × 10⁷ (about a centimetre) and accuracy in centimetres, so
/// that both backends store them exactly alike.
enum SchemaV6 {
    static let tablesAndIndexes: [String] = [
        """
        CREATE TABLE fences (
            id TEXT PRIMARY KEY NOT NULL,
            facility_id TEXT NOT NULL REFERENCES facilities(id),
            name TEXT NOT NULL,
            version BIGINT NOT NULL,
            feature TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX fences_facility ON fences(facility_id)",
        """
        CREATE TABLE device_places (
            device_id TEXT PRIMARY KEY NOT NULL REFERENCES devices(id),
            person_id TEXT NOT NULL REFERENCES people(id),
            state TEXT NOT NULL,
            facility_id TEXT,
            fence_id TEXT,
            visit_id TEXT,
            visit_until BIGINT,
            changed_at BIGINT NOT NULL,
            last_fix_at BIGINT NOT NULL,
            outside_since BIGINT,
            outside_fixes BIGINT NOT NULL,
            outside_at BIGINT,
            next_change_at BIGINT,
            revision BIGINT NOT NULL
        )
        """,
        "CREATE INDEX device_places_next_change ON device_places(next_change_at)",
        // A person's places are read at every evaluation: by the place's own person column, so
        // that a person with many devices and no places costs nothing.
        "CREATE INDEX device_places_person ON device_places(person_id)",
        """
        CREATE TABLE place_transitions (
            device_id TEXT NOT NULL REFERENCES devices(id),
            revision BIGINT NOT NULL,
            position BIGINT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            facility_id TEXT,
            visit_id TEXT,
            at BIGINT NOT NULL,
            PRIMARY KEY (device_id, revision, position)
        )
        """,
        """
        CREATE TABLE location_fixes (
            device_id TEXT NOT NULL REFERENCES devices(id),
            recorded_at BIGINT NOT NULL,
            latitude_e7 BIGINT NOT NULL,
            longitude_e7 BIGINT NOT NULL,
            accuracy_cm BIGINT NOT NULL,
            source TEXT NOT NULL,
            received_at BIGINT NOT NULL,
            PRIMARY KEY (device_id, recorded_at)
        )
        """,
        "CREATE INDEX location_fixes_recorded ON location_fixes(recorded_at)",
        """
        CREATE TABLE shifts (
            id TEXT PRIMARY KEY NOT NULL,
            person_id TEXT NOT NULL REFERENCES people(id),
            facility_id TEXT NOT NULL REFERENCES facilities(id),
            unit TEXT,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT NOT NULL,
            grace_before_minutes BIGINT NOT NULL,
            grace_after_minutes BIGINT NOT NULL,
            opens_at BIGINT NOT NULL,
            closes_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX shifts_person ON shifts(person_id, closes_at)",
        "CREATE INDEX shifts_opens ON shifts(opens_at)",
        "CREATE INDEX shifts_closes ON shifts(closes_at)",
        """
        CREATE TABLE visits (
            id TEXT PRIMARY KEY NOT NULL,
            person_id TEXT NOT NULL REFERENCES people(id),
            patient TEXT NOT NULL,
            place TEXT NOT NULL,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            cancelled_at BIGINT
        )
        """,
        "CREATE INDEX visits_person ON visits(person_id, ends_at)",
        "CREATE INDEX visits_starts ON visits(starts_at)",
        "CREATE INDEX visits_ends ON visits(ends_at)",
    ]
}
