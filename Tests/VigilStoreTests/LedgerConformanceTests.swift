import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// The ledger's storage on every backend: leaf hashes at append, heads, keys, proofs.
@Suite struct LedgerConformanceTests {
    @Test(arguments: StoreBackend.available)
    func everyAppendRecordsTheLeafHashOfItsEntryBytes(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let single = try await store.appendAuditEvent(LedgerFixtures.event(3))
            let batch = try await store.appendAuditEvents((4...9).map(LedgerFixtures.event))
            #expect(batch.map(\.sequence) == Array(2...7))
            let checks = try await store.ledgerLeafChecks(after: 0, through: 100)
            let events = [single] + batch
            #expect(checks.map(\.sequence) == Array(1...7))
            #expect(checks.map(\.recomputed) == events.map(\.leafHash))
            #expect(checks.map(\.stored) == events.map(\.leafHash))
            let columns = events.map { IndependentLedgerVerifier.leafHash(entry: IndependentLedgerVerifier.entryBytes(LedgerFixtures.columns($0))) }
            #expect(checks.map(\.recomputed.bytes) == columns)
            #expect(try await store.ledgerLeafHashes(after: 2, through: 5) == Array(events[2...4].map(\.leafHash)))
            #expect(try await store.ledgerSize() == 7)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aLargeBatchIsAppendedWholeAndInOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let events = try await store.appendAuditEvents((1...2_500).map(LedgerFixtures.event))
            #expect(events.map(\.sequence) == Array(1...2_500))
            let checks = try await store.ledgerLeafChecks(after: 0, through: 2_500)
            #expect(checks.count == 2_500)
            #expect(checks.allSatisfy { $0.stored == $0.recomputed })
            #expect(checks.map(\.recomputed) == events.map(\.leafHash))
        }
    }

    @Test(arguments: StoreBackend.available)
    func phiAccessEventsRoundTripAndAreSearchable(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let events = try await store.appendAuditEvents((1...9).map(LedgerFixtures.event))
            let read = try await store.auditEvents(AuditEventFilter(patientID: "MRN-6"), .first).items
            #expect(read == [events[5]])
            #expect(read.first?.phi?.purpose == .treatment)
            let byDevice = try await store.ledgerEvents(AuditEventFilter(deviceID: "dev_9"), after: 0, through: 9, limit: 10)
            #expect(byDevice == [events[8]])
            let byPerson = try await store.ledgerEvents(AuditEventFilter(personID: "per_4"), after: 0, through: 9, limit: 10)
            #expect(byPerson == [events[3]])  // the target of event 4
            let window = try await store.ledgerEvents(AuditEventFilter(), after: 2, through: 5, limit: 10)
            #expect(window.map(\.sequence) == [3, 4, 5])
        }
    }

    @Test(arguments: StoreBackend.available)
    func headsAreKeptInOrderAndNeverTwiceForOneSize(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let key = Ed25519SigningKey()
            try await store.addLedgerKey(key.publicKey, at: Fixtures.now, audit: Fixtures.audit())
            _ = try await store.appendAuditEvents((1...9).map(LedgerFixtures.event))
            let first = try await LedgerTestSigning.sign(store, key: key, size: 4)
            let second = try await LedgerTestSigning.sign(store, key: key, size: 10)
            #expect(try await store.latestSignedHead()?.head == second)
            #expect(try await store.signedHead(covering: 3) == first)
            #expect(try await store.signedHead(covering: 5) == second)
            #expect(try await store.signedHead(covering: 11) == nil)
            #expect(try await store.signedHead(treeSize: 4) == first)
            #expect(try await store.signedHeads() == [first, second])
            await #expect(throws: StoreError.self) { _ = try await LedgerTestSigning.sign(store, key: key, size: 4) }
        }
    }

    @Test(arguments: StoreBackend.available)
    func rotatingAKeyRetiresTheOldOneAndKeepsItPublished(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let old = Ed25519SigningKey()
            let new = Ed25519SigningKey()
            let now = Fixtures.now
            try await store.addLedgerKey(old.publicKey, at: now, audit: Fixtures.audit("ledger.key_rotate"))
            try await store.addLedgerKey(new.publicKey, at: now.addingTimeInterval(1), audit: Fixtures.audit("ledger.key_rotate"))
            let keys = try await store.ledgerKeys()
            #expect(keys.map(\.publicKey) == [old.publicKey, new.publicKey])
            #expect(keys[0].retiredAt == now.addingTimeInterval(1))
            #expect(keys[1].retiredAt == nil)
            #expect(try await store.ledgerSize() == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func proofsFromTheStoreVerifyWithTheIndependentVerifier(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let key = Ed25519SigningKey()
            try await store.addLedgerKey(key.publicKey, at: Fixtures.now, audit: Fixtures.audit())
            let events = try await store.appendAuditEvents((1...20).map(LedgerFixtures.event))
            let earlier = try await LedgerTestSigning.sign(store, key: key, size: 7)
            let head = try await LedgerTestSigning.sign(store, key: key, size: 21)
            let proofs = LedgerProofs(store: store)
            let proven = [events[0], events[9], events[19]]
            let bundle = try await proofs.bundle(
                proving: proven, in: head,
                export: ProofBundle.Export(mediaType: "application/fhir+ndjson", content: AuditExport.render(proven, as: .fhir)))
            let json = try VigilJSON.makeEncoder().encode(bundle)
            let publicKey = Array(key.publicKey.rawRepresentation)
            #expect(try IndependentLedgerVerifier.verifyBundle(json, publicKey: publicKey) == proven.map { UInt64($0.sequence) })
            let consistency = try await proofs.consistency(from: earlier, to: head)
            let consistencyJSON = try VigilJSON.makeEncoder().encode(consistency)
            #expect(try IndependentLedgerVerifier.verifyBundle(consistencyJSON, publicKey: publicKey) == [])
            #expect(try consistency.verify(with: key.publicKey).earlierHead == earlier)
        }
    }

    @Test func theMigrationFillsInTheLeafHashesOfOlderEvents() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-migration-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("vigil.sqlite").path)
        try SQLiteMigrations.migrator.migrate(store.pool, upTo: "0002_devices")
        try await store.pool.write { db in
            for sequence in 1...5 {
                try db.execute(
                    sql: """
                        INSERT INTO audit_events (sequence, id, occurred_at, actor_kind, actor_id, action, outcome, reason)
                        VALUES (?, ?, ?, 'system', 'cli', 'test.old', 'success', ?)
                        """,
                    arguments: [sequence, "aud_old\(sequence)", 1_764_412_800_000 + sequence, sequence == 3 ? nil : "r\(sequence)"])
            }
        }
        try await store.migrate()
        let checks = try await store.ledgerLeafChecks(after: 0, through: 10)
        #expect(checks.count == 5)
        #expect(checks.allSatisfy { $0.stored == $0.recomputed })
        await #expect(throws: (any Error).self) {
            try await store.pool.write { db in try db.execute(sql: "UPDATE audit_events SET reason = 'x' WHERE sequence = 1") }
        }
    }
}

/// Signs heads in store tests, as the server's signer does.
enum LedgerTestSigning {
    /// Signs and keeps a head over the first `size` entries.
    static func sign(_ store: any VigilStore, key: Ed25519SigningKey, size: Int64) async throws -> SignedTreeHead {
        var frontier = MerkleFrontier()
        for leaf in try await store.ledgerLeafHashes(after: 0, through: size) { frontier.append(leaf) }
        let head = try SignedTreeHead(treeSize: size, rootHash: frontier.root, at: Fixtures.now, key: key)
        try await store.appendSignedHead(StoredTreeHead(head: head, frontier: frontier))
        return head
    }
}
