import GRDB

/// The SQLite schema, as numbered migrations. A shipped migration is never edited: add the next.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001_people_facilities_tokens_audit") { db in
            for statement in SchemaV1.tablesAndIndexes(sequenceType: "INTEGER") {
                try db.execute(sql: statement)
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                """)
        }
        migrator.registerMigration("0002_devices") { db in
            for statement in SchemaV2.tablesAndIndexes {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("0003_ledger") { db in
            for statement in SchemaV3.tablesAndIndexes(binaryType: "BLOB") {
                try db.execute(sql: statement)
            }
            // The leaf hashes of the events recorded before the ledger existed are filled in once,
            // with the append-only trigger lifted for this transaction only.
            try db.execute(sql: "DROP TRIGGER audit_events_no_update")
            var after: Int64 = 0
            while true {
                let checks = try db.run(LedgerSQL.entries(after: after, limit: 1_000)) { row in
                    var buffer: [UInt8] = []
                    return try LedgerLeafCheck(storedRow: row, buffer: &buffer)
                }
                guard let last = checks.last else { break }
                for check in checks { try db.run(LedgerSQL.recordLeafHash(check)) }
                after = last.sequence
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                CREATE TRIGGER ledger_heads_no_update BEFORE UPDATE ON ledger_heads
                BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
                CREATE TRIGGER ledger_heads_no_delete BEFORE DELETE ON ledger_heads
                BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
                """)
        }
        return migrator
    }
}
