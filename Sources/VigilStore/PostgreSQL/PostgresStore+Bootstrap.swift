import PostgresNIO
import VigilCore

extension PostgresStore {
    public func bootstrapAdministrator(
        _ person: Person, token: APIToken, secretHash: String, audit: AuditEventDraft
    ) async throws {
        try await transaction(conflict: ConflictMessage.email) { connection in
            // The audit lock also serializes concurrent bootstraps, so only one can see no administrator.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.auditLockKey))", logger: logger)
            if try await administratorExists(on: connection) { throw StoreError.administratorExists }
            try await insert(person, on: connection)
            try await insert(token, secretHash: secretHash, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func loadSeed(_ seed: SeedData, audit: AuditEventDraft) async throws {
        try await transaction(conflict: ConflictMessage.email) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.auditLockKey))", logger: logger)
            let occupied = try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM facilities)
                    OR EXISTS (SELECT 1 FROM people WHERE roles NOT LIKE '%"admin"%')
                """, logger: logger
            ).map { try $0.decode(Bool.self) }.first ?? true
            if occupied { throw StoreError.notEmpty }
            for facility in seed.facilities { try await insert(facility, on: connection) }
            for person in seed.people { try await insert(person, on: connection) }
            for (token, hash) in seed.tokens { try await insert(token, secretHash: hash, on: connection) }
            try await append(audit, on: connection)
        }
    }
}
