import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func createPerson(_ person: Person, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await requireFacilities(person.facilityIDs, on: connection)
            try await insert(person, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func updatePerson(
        id: PersonID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Person) throws -> Void
    ) async throws -> Person {
        try await transaction { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Columns.person) FROM people WHERE id = \(id.rawValue) FOR UPDATE", logger: logger)
            guard var person = try await rows.map(Person.init(postgresRow:)).first else {
                throw StoreError.notFound("person \(id)")
            }
            let wasActiveAdministrator = person.isActiveAdministrator
            try change(&person)
            try await requireFacilities(person.facilityIDs, on: connection)
            if wasActiveAdministrator, !person.isActiveAdministrator {
                var bindings = PostgresBindings()
                bindings.append(id.rawValue)
                let another = try await connection.query(
                    PostgresQuery(unsafeSQL: SharedSQL.otherActiveAdministratorExists(placeholder: "$1"), binds: bindings),
                    logger: logger
                ).map { try $0.decode(Bool.self) }.first
                if another != true { throw StoreError.lastAdministrator }
            }
            try await connection.query(
                """
                UPDATE people SET name = \(person.name), email = \(person.email),
                    affiliation = \(person.affiliation.rawValue), roles = \(StoredList.encode(person.roles)),
                    facility_ids = \(StoredList.encode(person.facilityIDs)), status = \(person.status.rawValue),
                    updated_at = \(person.updatedAt.millisecondsSince1970)
                WHERE id = \(id.rawValue)
                """, logger: logger)
            try await append(audit, on: connection)
            return person
        }
    }

    public func person(id: PersonID) async throws -> Person? {
        try await client.query("SELECT \(unescaped: Columns.person) FROM people WHERE id = \(id.rawValue)", logger: logger)
            .map(Person.init(postgresRow:)).first
    }

    public func person(email: String) async throws -> Person? {
        try await client.query(
            "SELECT \(unescaped: Columns.person) FROM people WHERE email = \(email.lowercased())", logger: logger
        ).map(Person.init(postgresRow:)).first
    }

    public func people(_ page: PageRequest) async throws -> Page<Person> {
        let people = try await client.query(
            """
            SELECT \(unescaped: Columns.person) FROM people WHERE id > \(page.after ?? "")
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger
        ).map(Person.init(postgresRow:))
        return Page(fetched: people, request: page, key: \.id.rawValue)
    }

    public func administratorExists() async throws -> Bool {
        try await administratorExists(on: nil)
    }

    func administratorExists(on connection: PostgresConnection?) async throws -> Bool {
        let query = PostgresQuery(unsafeSQL: SharedSQL.administratorExists)
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else {
                try await client.query(query, logger: logger)
            }
        return try await rows.map { try $0.decode(Bool.self) }.first ?? false
    }

    func insert(_ person: Person, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO people (\(unescaped: Columns.person)) VALUES (\(person.id.rawValue), \(person.name),
                \(person.email), \(person.affiliation.rawValue), \(StoredList.encode(person.roles)),
                \(StoredList.encode(person.facilityIDs)), \(person.status.rawValue),
                \(person.createdAt.millisecondsSince1970), \(person.updatedAt.millisecondsSince1970))
            """, logger: logger)
    }

    /// Refuses facility IDs that name no facility.
    func requireFacilities(_ ids: Set<FacilityID>, on connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        let wanted = ids.map(\.rawValue)
        let found = try await connection.query(
            "SELECT id FROM facilities WHERE id = ANY(\(wanted))", logger: logger
        ).map { try $0.decode(String.self) }
        if let missing = wanted.sorted().first(where: { !found.contains($0) }) {
            throw StoreError.unknownReference(field: "facilityIDs", id: missing)
        }
    }
}
