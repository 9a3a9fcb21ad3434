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
            let last = try db.run(LedgerSQL.lastSequence) { try $0.integer(0) }.first ?? 0
            for after in stride(from: Int64(0), to: last, by: 1_000) {
                for check in try SQLiteLedgerStatements.leafChecks(after: after, through: after + 1_000, in: db) {
                    try db.run(LedgerSQL.recordLeafHash(check))
                }
            }
            try db.execute(sql: """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
                CREATE TRIGGER ledger_heads_no_update BEFORE UPDATE ON ledger_heads
                BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
                CREATE TRIGGER ledger_heads_no_delete BEFORE DELETE ON ledger_heads
                BEGIN SELECT RAISE(ABORT, 'signed heads are append-only'); END;
                CREATE TRIGGER ledger_keys_no_delete BEFORE DELETE ON ledger_keys
                BEGIN SELECT RAISE(ABORT, 'ledger keys are kept for ever'); END;
                CREATE TRIGGER ledger_keys_retire_only BEFORE UPDATE ON ledger_keys
                WHEN OLD.retired_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.public_key IS NOT OLD.public_key
                    OR NEW.created_at IS NOT OLD.created_at
                BEGIN SELECT RAISE(ABORT, 'a ledger key can only be retired, once'); END;
                """)
        }
        migrator.registerMigration("0004_compliance") { db in
            for statement in SchemaV4.tablesAndIndexes {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("0005_byod") { db in
            for statement in SchemaV5.tablesAndIndexes {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("0006_place") { db in
            for statement in SchemaV6.tablesAndIndexes {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("0007_commands") { db in
            for statement in SchemaV7.tablesAndIndexes {
                try db.execute(sql: statement)
            }
        }
        return migrator
    }
}
