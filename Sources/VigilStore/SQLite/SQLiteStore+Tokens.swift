import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func createToken(_ token: APIToken, secretHash: String, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.insert(token, secretHash: secretHash, in: db)
            try Self.append(audit, in: db)
        }
    }

    public func tokenForAuthentication(secretHash: String, at now: Date) async throws -> (APIToken, Person)? {
        let found = try await pool.read { db -> (APIToken, Person)? in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Columns.tokenQualified), \(Columns.personQualified)
                    FROM api_tokens t JOIN people p ON p.id = t.owner_id WHERE t.secret_hash = ?
                    """,
                arguments: [secretHash])
            else { return nil }
            return (try APIToken(sqliteRow: row), try Person(sqliteRow: row, offset: 9))
        }
        guard let (storedToken, owner) = found else { return nil }
        var token = storedToken
        if token.needsLastUseUpdate(at: now) {
            let id = token.id.rawValue
            try await pool.write { db in
                try db.execute(
                    sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                    arguments: [now.millisecondsSince1970, id])
            }
            token.lastUsedAt = now
        }
        return (token, owner)
    }

    public func token(id: APITokenID) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Columns.token) FROM api_tokens WHERE id = ?", arguments: [id.rawValue]
            ).map { try APIToken(sqliteRow: $0) }
        }
    }

    public func tokens(ownerID: PersonID?, _ page: PageRequest) async throws -> Page<APIToken> {
        let tokens = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Columns.token) FROM api_tokens
                    WHERE id > ? AND (? IS NULL OR owner_id = ?) ORDER BY id LIMIT ?
                    """,
                arguments: [page.after ?? "", ownerID?.rawValue, ownerID?.rawValue, page.limit + 1]
            ).map { try APIToken(sqliteRow: $0) }
        }
        return Page(fetched: tokens, request: page, key: \.id.rawValue)
    }

    public func revokeToken(id: APITokenID, at now: Date, audit: AuditEventDraft) async throws -> APIToken {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                arguments: [now.millisecondsSince1970, id.rawValue])
            guard db.changesCount == 1,
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Columns.token) FROM api_tokens WHERE id = ?", arguments: [id.rawValue])
            else { throw StoreError.notFound("token \(id)") }
            try Self.append(audit, in: db)
            return try APIToken(sqliteRow: row)
        }
    }

    static func insert(_ token: APIToken, secretHash: String, in db: Database) throws {
        let ownerExists = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?)", arguments: [token.ownerID.rawValue]) ?? false
        guard ownerExists else { throw StoreError.unknownReference(field: "personID", id: token.ownerID.rawValue) }
        try db.execute(
            sql: """
                INSERT INTO api_tokens (\(Columns.token), secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                token.id.rawValue, token.ownerID.rawValue, token.name, StoredList.encode(token.scopes),
                token.createdAt.millisecondsSince1970, token.expiresAt.millisecondsSince1970,
                token.revokedAt?.millisecondsSince1970, token.lastUsedAt?.millisecondsSince1970,
                token.createdBy?.rawValue, secretHash,
            ])
    }
}
