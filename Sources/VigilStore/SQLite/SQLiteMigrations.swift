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
        return migrator
    }
}
