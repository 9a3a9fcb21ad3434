import PostgresNIO
import VigilCore

extension PostgresStore {
    public func bootstrapAdministrator(
        _ person: Person, token: APIToken, secretHash: String, audit: AuditEventDraft, requireEmptyDirectory: Bool
    ) async throws {
        try await transaction { connection in
            // The write lock serializes concurrent bootstraps, so only one can see no administrator.
            if requireEmptyDirectory,
                try await connection.query(PostgresQuery(unsafeSQL: SharedSQL.anyPersonExists), logger: logger)
                    .map({ try $0.decode(Bool.self) }).first == true
            {
                throw StoreError.notEmpty
            }
            if try await administratorExists(on: connection) { throw StoreError.administratorExists }
            try await insert(person, on: connection)
            try await insert(token, secretHash: secretHash, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func loadSeed(_ seed: SeedData, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            let occupied = try await connection.query(PostgresQuery(unsafeSQL: SharedSQL.seedTargetOccupied), logger: logger)
                .map { try $0.decode(Bool.self) }.first ?? true
            if occupied { throw StoreError.notEmpty }
            for facility in seed.facilities { try await insert(facility, on: connection) }
            for person in seed.people { try await insert(person, on: connection) }
            for (token, hash) in seed.tokens { try await insert(token, secretHash: hash, on: connection) }
            for (invitation, hash) in seed.invitations {
                try await connection.run(DeviceSQL.insertInvitation(invitation, codeHash: hash), logger: logger)
            }
            for device in seed.devices { try await connection.run(DeviceSQL.insertDevice(device), logger: logger) }
            try await append(audit, on: connection)
        }
    }
}
