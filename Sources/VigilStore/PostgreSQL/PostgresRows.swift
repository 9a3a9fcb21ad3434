import PostgresNIO
import VigilCore

// Decoding of PostgreSQL rows, columns in the order of ``Columns``.

typealias PersonColumns = (String, String, String, String, String, String, String, Int64, Int64)
typealias TokenColumns = (String, String, String, String, Int64, Int64, Int64?, Int64?, String?)

extension Person {
    init(postgresColumns c: PersonColumns) throws {
        try self.init(
            storedID: c.0, name: c.1, email: c.2, affiliation: c.3, roles: c.4, facilityIDs: c.5, status: c.6,
            createdAt: c.7, updatedAt: c.8)
    }

    init(postgresRow row: PostgresRow) throws {
        try self.init(postgresColumns: row.decode(PersonColumns.self))
    }
}

extension Facility {
    init(postgresRow row: PostgresRow) throws {
        let c = try row.decode((String, String, String, String, Int64, Int64).self)
        self.init(storedID: c.0, name: c.1, address: c.2, timeZone: c.3, createdAt: c.4, updatedAt: c.5)
    }
}

extension APIToken {
    init(postgresColumns c: TokenColumns) throws {
        try self.init(
            storedID: c.0, ownerID: c.1, name: c.2, scopes: c.3, createdAt: c.4, expiresAt: c.5, revokedAt: c.6,
            lastUsedAt: c.7, createdBy: c.8)
    }

    init(postgresRow row: PostgresRow) throws {
        try self.init(postgresColumns: row.decode(TokenColumns.self))
    }
}

extension PostgresRowSequence {
    /// Decodes every row with `transform`.
    func map<T>(_ transform: (PostgresRow) throws -> T) async throws -> [T] {
        var values: [T] = []
        for try await row in self { values.append(try transform(row)) }
        return values
    }
}
