import Foundation
import GRDB
import PostgresNIO
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// Someone with write access to the database changes rows directly, each kind of tampering on
/// each backend, and verification names the entry where the log diverges.
@Suite struct LedgerTamperTests {
    /// Thirty entries (the first publishes the key) with heads signed at 10, 20 and 30.
    static func withSignedLedger(
        _ backend: StoreBackend, _ body: @Sendable (any VigilStore, Ed25519SigningKey) async throws -> Void
    ) async throws {
        try await backend.withStore { store in
            let key = Ed25519SigningKey()
            try await store.addLedgerKey(key.publicKey, at: Fixtures.now, audit: Fixtures.audit("ledger.key_rotate"))
            _ = try await store.appendAuditEvents((2...30).map(LedgerFixtures.event))
            for size in [10, 20, 30] { _ = try await LedgerTestSigning.sign(store, key: key, size: Int64(size)) }
            let report = try await LedgerVerification.run(store, keys: [Self.record(key)])
            #expect(report.problem == nil)
            #expect(report.headsMatched == 3)
            try await body(store, key)
        }
    }

    /// Runs statements straight on the database with the append-only triggers lifted.
    static func tamper(_ store: any VigilStore, _ statements: [String]) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.pool.writeWithoutTransaction { db in
                for trigger in ["audit_events_no_update", "audit_events_no_delete", "ledger_heads_no_update", "ledger_heads_no_delete"] {
                    try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
                }
                for statement in statements { try db.execute(sql: statement) }
            }
        } else if let postgres = store as? PostgresStore {
            for statement in ["ALTER TABLE audit_events DISABLE TRIGGER USER", "ALTER TABLE ledger_heads DISABLE TRIGGER USER"] + statements {
                try await postgres.client.query(PostgresQuery(unsafeSQL: statement), logger: postgres.logger)
            }
        }
    }

    /// A key as trusted by an auditor who pinned it.
    static func record(_ key: Ed25519SigningKey) -> SigningKeyRecord {
        SigningKeyRecord(publicKey: key.publicKey, createdAt: Date(millisecondsSince1970: 0), retiredAt: nil)
    }

    /// A binary literal both backends read.
    static func binary(_ hash: MerkleHash, _ store: any VigilStore) -> String {
        store is SQLiteStore ? "X'\(hash.hex)'" : "'\\x\(hash.hex)'::bytea"
    }

    static func problem(_ store: any VigilStore, _ key: Ed25519SigningKey) async throws -> LedgerVerifier.Problem? {
        try await LedgerVerification.run(store, keys: [Self.record(key)]).problem
    }

    @Test(arguments: StoreBackend.available)
    func theAppendOnlyTriggersRefuseChanges(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, _ in
            await #expect(throws: (any Error).self) {
                if let sqlite = store as? SQLiteStore {
                    try await sqlite.pool.write { try $0.execute(sql: "DELETE FROM ledger_heads") }
                } else if let postgres = store as? PostgresStore {
                    try await postgres.client.query("UPDATE audit_events SET reason = 'x'", logger: postgres.logger)
                }
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func anEditedEntry(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, ["UPDATE audit_events SET reason = 'nothing to see' WHERE sequence = 14"])
            #expect(try await Self.problem(store, key) == .changed(sequence: 14))
        }
    }

    @Test(arguments: StoreBackend.available)
    func aDeletedEntry(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, ["DELETE FROM audit_events WHERE sequence = 14"])
            #expect(try await Self.problem(store, key) == .missing(sequence: 14))
        }
    }

    @Test(arguments: StoreBackend.available)
    func anEntryInsertedInTheMiddle(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, [
                "UPDATE audit_events SET sequence = -sequence - 1 WHERE sequence > 13",
                "UPDATE audit_events SET sequence = -sequence WHERE sequence < 0",
                """
                INSERT INTO audit_events (sequence, id, occurred_at, actor_kind, actor_id, action, outcome)
                VALUES (14, 'aud_forged', 1764412814000, 'person', 'per_mallory', 'person.update', 'success')
                """,
            ])
            #expect(try await Self.problem(store, key) == .unrecorded(sequence: 14))
        }
    }

    @Test(arguments: StoreBackend.available)
    func reorderedEntries(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, [
                "UPDATE audit_events SET sequence = -14 WHERE sequence = 14",
                "UPDATE audit_events SET sequence = 14 WHERE sequence = 15",
                "UPDATE audit_events SET sequence = 15 WHERE sequence = -14",
            ])
            #expect(try await Self.problem(store, key) == .changed(sequence: 14))
        }
    }

    @Test(arguments: StoreBackend.available)
    func aTruncatedLog(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, ["DELETE FROM audit_events WHERE sequence > 27"])
            #expect(try await Self.problem(store, key) == .truncated(entries: 27, treeSize: 30))
        }
    }

    @Test(arguments: StoreBackend.available)
    func anEntryRewrittenWithItsLeafHash(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            let original = try await store.ledgerEvents(AuditEventFilter(), after: 13, through: 14, limit: 1)[0]
            var draft = original.draft
            draft.reason = "rewritten carefully"
            let forged = AuditEvent(draft, sequence: 14)
            try await Self.tamper(store, [
                "UPDATE audit_events SET reason = 'rewritten carefully', leaf_hash = \(Self.binary(forged.leafHash, store)) WHERE sequence = 14"
            ])
            let problem = try await Self.problem(store, key)
            #expect(problem == .headMismatch(treeSize: 20, lastMatchingSize: 10))
            #expect(problem?.firstEntry == 11)
        }
    }

    @Test(arguments: StoreBackend.available)
    func anAlteredHead(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            try await Self.tamper(store, ["UPDATE ledger_heads SET signed_at = signed_at + 1 WHERE tree_size = 20"])
            #expect(try await Self.problem(store, key) == .badSignature(treeSize: 20, keyID: key.publicKey.id))
        }
    }

    @Test(arguments: StoreBackend.available)
    func aKeySwappedInTheDatabaseIsCaughtByAPinnedKey(_ backend: StoreBackend) async throws {
        try await Self.withSignedLedger(backend) { store, key in
            let mallory = Ed25519SigningKey()
            try await Self.tamper(store, [
                "UPDATE audit_events SET reason = 'covered up' WHERE sequence = 5",
                "DELETE FROM ledger_heads",
            ])
            try await store.addLedgerKey(mallory.publicKey, at: Fixtures.now, audit: Fixtures.audit())
            _ = try await LedgerTestSigning.sign(store, key: mallory, size: 31)
            // Trusting the database's keys, the re-signed log still fails on the stored leaf hash;
            // pinned to the real key, the forged head fails too.
            #expect(try await LedgerVerification.run(store, keys: try await store.ledgerKeys()).problem == .changed(sequence: 5))
            #expect(try await Self.problem(store, key) == .badSignature(treeSize: 31, keyID: mallory.publicKey.id))
        }
    }
}
