import GRDB
import VigilCore

extension SQLiteStore {
    public func createFacility(_ facility: Facility, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.insert(facility, in: db)
            try Self.append(audit, in: db)
        }
    }

    public func updateFacility(
        id: FacilityID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Facility) throws -> Void
    ) async throws -> Facility {
        try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Columns.facility) FROM facilities WHERE id = ?", arguments: [id.rawValue])
            else { throw StoreError.notFound("facility \(id)") }
            var facility = Facility(sqliteRow: row)
            try change(&facility)
            try db.execute(
                sql: "UPDATE facilities SET name = ?, address = ?, time_zone = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    facility.name, facility.address, facility.timeZone, facility.updatedAt.millisecondsSince1970,
                    id.rawValue,
                ])
            try Self.append(audit, in: db)
            return facility
        }
    }

    public func facility(id: FacilityID) async throws -> Facility? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Columns.facility) FROM facilities WHERE id = ?", arguments: [id.rawValue]
            ).map(Facility.init(sqliteRow:))
        }
    }

    public func facilities(_ page: PageRequest) async throws -> Page<Facility> {
        let facilities = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Columns.facility) FROM facilities WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [page.after ?? "", page.limit + 1]
            ).map(Facility.init(sqliteRow:))
        }
        return Page(fetched: facilities, request: page, key: \.id.rawValue)
    }

    static func insert(_ facility: Facility, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO facilities (\(Columns.facility)) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: facility.sqliteArguments)
    }
}
