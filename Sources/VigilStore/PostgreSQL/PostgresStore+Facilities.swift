import PostgresNIO
import VigilCore

extension PostgresStore {
    public func createFacility(_ facility: Facility, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await insert(facility, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func updateFacility(
        id: FacilityID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Facility) throws -> Void
    ) async throws -> Facility {
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Columns.facility) FROM facilities WHERE id = \(id.rawValue) FOR UPDATE",
                logger: logger)
            guard var facility = try await rows.map(Facility.init(postgresRow:)).first else {
                throw StoreError.notFound("facility \(id)")
            }
            try change(&facility)
            try await connection.query(
                """
                UPDATE facilities SET name = \(facility.name), address = \(facility.address),
                    time_zone = \(facility.timeZone), updated_at = \(facility.updatedAt.millisecondsSince1970)
                WHERE id = \(id.rawValue)
                """, logger: logger)
            try await append(audit, on: connection)
            return facility
        }
    }

    public func facility(id: FacilityID) async throws -> Facility? {
        try await client.query(
            "SELECT \(unescaped: Columns.facility) FROM facilities WHERE id = \(id.rawValue)", logger: logger
        ).map(Facility.init(postgresRow:)).first
    }

    public func facilities(_ page: PageRequest) async throws -> Page<Facility> {
        let facilities = try await client.query(
            """
            SELECT \(unescaped: Columns.facility) FROM facilities WHERE id > \(page.after ?? "")
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger
        ).map(Facility.init(postgresRow:))
        return Page(fetched: facilities, request: page, key: \.id.rawValue)
    }

    func insert(_ facility: Facility, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO facilities (\(unescaped: Columns.facility)) VALUES (\(facility.id.rawValue), \(facility.name),
                \(facility.address), \(facility.timeZone), \(facility.createdAt.millisecondsSince1970),
                \(facility.updatedAt.millisecondsSince1970))
            """, logger: logger)
    }
}
