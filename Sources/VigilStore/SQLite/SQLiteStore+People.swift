import GRDB
import VigilCore

extension SQLiteStore {

    public func createPerson(_ person: Person, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.requireFacilities(person.facilityIDs, in: db)
            try Self.insert(person, in: db)
            try Self.append(audit, in: db)
        }
    }

    public func updatePerson(
        id: PersonID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Person) throws -> Void
    ) async throws -> Person {
        try await write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Columns.person) FROM people WHERE id = ?", arguments: [id.rawValue])
            else { throw StoreError.notFound("person \(id)") }
            var person = try Person(sqliteRow: row)
            let wasActiveAdministrator = person.isActiveAdministrator
            try change(&person)
            try Self.requireFacilities(person.facilityIDs, in: db)
            if wasActiveAdministrator, !person.isActiveAdministrator {
                let another = try Bool.fetchOne(
                    db, sql: SharedSQL.otherActiveAdministratorExists(placeholder: "?"), arguments: [id.rawValue])
                if another != true { throw StoreError.lastAdministrator }
            }
            try db.execute(
                sql: """
                    UPDATE people SET name = ?, email = ?, affiliation = ?, roles = ?, facility_ids = ?, status = ?,
                    updated_at = ? WHERE id = ?
                    """,
                arguments: [
                    person.name, person.email, person.affiliation.rawValue, StoredList.encode(person.roles),
                    StoredList.encode(person.facilityIDs), person.status.rawValue,
                    person.updatedAt.millisecondsSince1970, id.rawValue,
                ])
            try Self.append(audit, in: db)
            return person
        }
    }

    public func person(id: PersonID) async throws -> Person? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Columns.person) FROM people WHERE id = ?", arguments: [id.rawValue])
                .map { try Person(sqliteRow: $0) }
        }
    }

    public func person(email: String) async throws -> Person? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Columns.person) FROM people WHERE email = ?", arguments: [email.lowercased()]
            ).map { try Person(sqliteRow: $0) }
        }
    }

    public func people(_ page: PageRequest) async throws -> Page<Person> {
        let people = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Columns.person) FROM people WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [page.after ?? "", page.limit + 1]
            ).map { try Person(sqliteRow: $0) }
        }
        return Page(fetched: people, request: page, key: \.id.rawValue)
    }

    public func administratorExists() async throws -> Bool {
        try await pool.read { db in try Self.administratorExists(in: db) }
    }

    static func administratorExists(in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: SharedSQL.administratorExists) ?? false
    }

    static func insert(_ person: Person, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO people (\(Columns.person)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: person.sqliteArguments)
    }

    /// Refuses facility IDs that name no facility.
    static func requireFacilities(_ ids: Set<FacilityID>, in db: Database) throws {
        for id in ids.sorted() {
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM facilities WHERE id = ?)", arguments: [id.rawValue]) ?? false
            if !exists { throw StoreError.unknownReference(field: "facilityIDs", id: id.rawValue) }
        }
    }
}
