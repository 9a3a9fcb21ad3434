import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func createToken(_ token: APIToken, secretHash: String, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await insert(token, secretHash: secretHash, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func tokenForAuthentication(secretHash: String, at now: Date) async throws -> (APIToken, Person)? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Columns.tokenQualified), \(unescaped: Columns.personQualified)
            FROM api_tokens t JOIN people p ON p.id = t.owner_id WHERE t.secret_hash = \(secretHash)
            """, logger: logger)
        let found = try await rows.map { row -> (APIToken, Person) in
            let c = try row.decode(
                (String, String, String, String, Int64, Int64, Int64?, Int64?, String?,
                 String, String, String, String, String, String, String, Int64, Int64).self)
            let token = try APIToken(postgresColumns: (c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8))
            let owner = try Person(postgresColumns: (c.9, c.10, c.11, c.12, c.13, c.14, c.15, c.16, c.17))
            return (token, owner)
        }.first
        guard let (storedToken, owner) = found else { return nil }
        var token = storedToken
        if token.needsLastUseUpdate(at: now) {
            try await client.query(
                "UPDATE api_tokens SET last_used_at = \(now.millisecondsSince1970) WHERE id = \(token.id.rawValue)",
                logger: logger)
            token.lastUsedAt = now
        }
        return (token, owner)
    }

    public func token(id: APITokenID) async throws -> APIToken? {
        try await client.query(
            "SELECT \(unescaped: Columns.token) FROM api_tokens WHERE id = \(id.rawValue)", logger: logger
        ).map(APIToken.init(postgresRow:)).first
    }

    public func tokens(ownerID: PersonID?, _ page: PageRequest) async throws -> Page<APIToken> {
        let owner = ownerID?.rawValue
        let tokens = try await client.query(
            """
            SELECT \(unescaped: Columns.token) FROM api_tokens
            WHERE id > \(page.after ?? "") AND (\(owner)::text IS NULL OR owner_id = \(owner))
            ORDER BY id LIMIT \(page.limit + 1)
            """, logger: logger
        ).map(APIToken.init(postgresRow:))
        return Page(fetched: tokens, request: page, key: \.id.rawValue)
    }

    public func revokeToken(id: APITokenID, at now: Date, audit: AuditEventDraft) async throws -> APIToken {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(now.millisecondsSince1970))
                WHERE id = \(id.rawValue) RETURNING \(unescaped: Columns.token)
                """, logger: logger)
            guard let token = try await rows.map(APIToken.init(postgresRow:)).first else {
                throw StoreError.notFound("token \(id)")
            }
            try await append(audit, on: connection)
            return token
        }
    }

    func insert(_ token: APIToken, secretHash: String, on connection: PostgresConnection) async throws {
        let owner = try await connection.query(
            "SELECT 1 FROM people WHERE id = \(token.ownerID.rawValue)", logger: logger
        ).map { _ in true }
        guard !owner.isEmpty else { throw StoreError.unknownReference(field: "personID", id: token.ownerID.rawValue) }
        try await connection.query(
            """
            INSERT INTO api_tokens (\(unescaped: Columns.token), secret_hash) VALUES (\(token.id.rawValue),
                \(token.ownerID.rawValue), \(token.name), \(StoredList.encode(token.scopes)),
                \(token.createdAt.millisecondsSince1970), \(token.expiresAt.millisecondsSince1970),
                \(token.revokedAt?.millisecondsSince1970), \(token.lastUsedAt?.millisecondsSince1970),
                \(token.createdBy?.rawValue), \(secretHash))
            """, logger: logger)
    }
}
