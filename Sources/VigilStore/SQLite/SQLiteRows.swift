import GRDB
import VigilCore

// Decoding of SQLite rows, columns in the order of ``Columns``.

extension Person {
    init(sqliteRow row: Row, offset: Int = 0) throws {
        try self.init(
            storedID: row[offset], name: row[offset + 1], email: row[offset + 2], affiliation: row[offset + 3],
            roles: row[offset + 4], facilityIDs: row[offset + 5], status: row[offset + 6],
            createdAt: row[offset + 7], updatedAt: row[offset + 8])
    }

    /// The column values in ``Columns/person`` order.
    var sqliteArguments: StatementArguments {
        [
            id.rawValue, name, email, affiliation.rawValue, StoredList.encode(roles), StoredList.encode(facilityIDs),
            status.rawValue, createdAt.millisecondsSince1970, updatedAt.millisecondsSince1970,
        ]
    }
}

extension Facility {
    init(sqliteRow row: Row) {
        self.init(
            storedID: row[0], name: row[1], address: row[2], timeZone: row[3], createdAt: row[4], updatedAt: row[5])
    }

    /// The column values in ``Columns/facility`` order.
    var sqliteArguments: StatementArguments {
        [id.rawValue, name, address, timeZone, createdAt.millisecondsSince1970, updatedAt.millisecondsSince1970]
    }
}

extension APIToken {
    init(sqliteRow row: Row) throws {
        try self.init(
            storedID: row[0], ownerID: row[1], name: row[2], scopes: row[3], createdAt: row[4], expiresAt: row[5],
            revokedAt: row[6], lastUsedAt: row[7], createdBy: row[8])
    }
}

