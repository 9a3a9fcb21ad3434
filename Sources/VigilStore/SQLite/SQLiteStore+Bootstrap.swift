import GRDB
import VigilCore

extension SQLiteStore {
    public func bootstrapAdministrator(
        _ person: Person, token: APIToken, secretHash: String, audit: AuditEventDraft, requireEmptyDirectory: Bool
    ) async throws {
        try await write { db in
            if requireEmptyDirectory, try Bool.fetchOne(db, sql: SharedSQL.anyPersonExists) == true {
                throw StoreError.notEmpty
            }
            if try Self.administratorExists(in: db) { throw StoreError.administratorExists }
            try Self.insert(person, in: db)
            try Self.insert(token, secretHash: secretHash, in: db)
            try Self.append(audit, in: db)
        }
    }

    public func loadSeed(_ seed: SeedData, audit: AuditEventDraft) async throws {
        try await write { db in
            let occupied = try Bool.fetchOne(db, sql: SharedSQL.seedTargetOccupied) ?? true
            if occupied { throw StoreError.notEmpty }
            for facility in seed.facilities { try Self.insert(facility, in: db) }
            for person in seed.people { try Self.insert(person, in: db) }
            for (token, hash) in seed.tokens { try Self.insert(token, secretHash: hash, in: db) }
            for (invitation, hash) in seed.invitations {
                try db.run(DeviceSQL.insertInvitation(invitation, codeHash: hash))
            }
            for device in seed.devices { try db.run(DeviceSQL.insertDevice(device)) }
            try Self.append(audit, in: db)
        }
    }
}
