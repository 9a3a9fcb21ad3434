import Foundation
import HTTPTypes
import Testing
import VigilCore
@testable import VigilServer
import VigilStore
import VigilTestSupport

/// The ledger API: heads, keys, proofs and exports, each checked by the independent verifier
/// with the key the API publishes.
@Suite struct LedgerAPITests {
    /// The published key, as an auditor would fetch it.
    static func publishedKey(_ server: TestServer) async throws -> [UInt8] {
        let keys = try await server.send(.get, "/api/v1/ledger/keys", as: .auditor)
        #expect(keys.status == .ok)
        let items = try #require(try keys.json()["items"] as? [[String: Any]])
        let current = try #require(items.last { $0["retiredAt"] == nil || $0["retiredAt"] is NSNull })
        let text = try #require(current["publicKey"] as? String)
        return Array(try #require(Data(base64Encoded: text)))
    }

    static func phiAccess(_ server: TestServer, patient: String, resource: String) async throws -> AuditEvent {
        let access = PHIAccess(
            actor: AuditActor(kind: .person, id: server.cast.person(.clinician).id.rawValue),
            patientID: patient, resource: AuditTarget(type: "Observation", id: resource), deviceID: DeviceID(rawValue: "dev_test"),
            place: .notEvaluated, purpose: .treatment, operation: .read, outcome: .success)
        return try await server.store.appendAuditEvent(access.auditEvent(at: Fixtures.now))
    }

    @Test(arguments: StoreBackend.available)
    func theHeadIsSignedWithThePublishedKey(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let response = try await server.send(.get, "/api/v1/ledger/head", as: .auditor)
            #expect(response.status == .ok)
            let head = try #require(try response.json()["head"] as? [String: Any])
            let size = try #require(head["treeSize"] as? Int)
            #expect(size == Int(try await server.store.ledgerSize()))
            let checkpoint = try #require(try response.string("checkpoint"))
            #expect(checkpoint.hasPrefix("vigil-ledger\n\(size)\n"))
            let key = try await Self.publishedKey(server)
            #expect(head["keyID"] as? String == IndependentLedgerVerifier.keyID(publicKey: key))
            let keyEvents = try await server.store.auditEvents(AuditEventFilter(action: .ledgerKeyRotated), .first).items
            #expect(keyEvents.count == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func inclusionAndConsistencyProofsVerifyIndependently(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let first = try await server.send(.get, "/api/v1/ledger/head", as: .auditor)
            let earlierSize = try #require(try first.json()["head"] as? [String: Any])["treeSize"] as! Int
            let event = try await Self.phiAccess(server, patient: "MRN-1", resource: "obs-1")
            let proof = try await server.send(.get, "/api/v1/ledger/proofs/inclusion?sequence=\(event.sequence)", as: .auditor)
            #expect(proof.status == .ok, "\(proof.text)")
            let key = try await Self.publishedKey(server)
            #expect(try IndependentLedgerVerifier.verifyBundle(Data(buffer: proof.body), publicKey: key) == [UInt64(event.sequence)])
            let later = try #require(try proof.json()["head"] as? [String: Any])["treeSize"] as! Int

            let consistency = try await server.send(
                .get, "/api/v1/ledger/proofs/consistency?from=\(earlierSize)&to=\(later)", as: .auditor)
            #expect(consistency.status == .ok, "\(consistency.text)")
            #expect(try IndependentLedgerVerifier.verifyBundle(Data(buffer: consistency.body), publicKey: key) == [])

            let pinned = try await server.send(
                .get, "/api/v1/ledger/proofs/inclusion?sequence=1&treeSize=\(earlierSize)", as: .auditor)
            #expect(pinned.status == .ok)
            #expect(try IndependentLedgerVerifier.verifyBundle(Data(buffer: pinned.body), publicKey: key) == [1])
        }
    }

    @Test func badProofRequestsAreRefusedClearly() async throws {
        try await TestServer.run { server in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/api/v1/ledger/proofs/inclusion", .badRequest, "sequence"),
                ("/api/v1/ledger/proofs/inclusion?sequence=0", .badRequest, "sequence"),
                ("/api/v1/ledger/proofs/inclusion?sequence=99999", .notFound, "no entry 99999"),
                ("/api/v1/ledger/proofs/inclusion?sequence=1&treeSize=99999", .notFound, "size 99999"),
                ("/api/v1/ledger/proofs/consistency?from=abc", .badRequest, "from"),
                ("/api/v1/ledger/proofs/consistency?from=99999", .notFound, "size 99999"),
                ("/api/v1/ledger/export", .badRequest, "format"),
                ("/api/v1/ledger/export?format=xml", .badRequest, "fhir, csv"),
                ("/api/v1/ledger/head?x=1", .badRequest, "x"),
            ]
            for (uri, status, mention) in cases {
                let response = try await server.send(.get, uri, as: .auditor)
                #expect(response.status == status, "\(uri): \(response.text)")
                #expect(response.text.contains(mention), "\(uri): \(response.text)")
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func exportsCarryTheirProofsAndAreThemselvesRecorded(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            _ = try await Self.phiAccess(server, patient: "MRN-7", resource: "obs-1")
            _ = try await Self.phiAccess(server, patient: "MRN-8", resource: "obs-2")
            _ = try await Self.phiAccess(server, patient: "MRN-7", resource: "obs-3")
            _ = try await server.send(.get, "/api/v1/ledger/head", as: .auditor)  // makes the first key
            let key = try await Self.publishedKey(server)
            // Each export names the patient in its PHI column, so it is in the next one's.
            for (format, expected) in [("fhir", 3), ("csv", 4)] {
                let response = try await server.send(.get, "/api/v1/ledger/export?format=\(format)&patient=MRN-7", as: .auditor)
                #expect(response.status == .ok, "\(response.text)")
                let proven = try IndependentLedgerVerifier.verifyBundle(Data(buffer: response.body), publicKey: key)
                #expect(proven.count == expected)
                let bundle = try VigilJSON.makeDecoder().decode(ProofBundle.self, from: Data(buffer: response.body))
                let verified = try bundle.verify(with: try Ed25519PublicKey(rawRepresentation: key))
                #expect(verified.events.allSatisfy { $0.phi?.patientID == "MRN-7" })
                #expect(verified.exportedRecords == expected)
            }
            let exports = try await server.store.auditEvents(AuditEventFilter(action: .ledgerExported), .first).items
            #expect(exports.count == 2)
            #expect(exports.first?.reason == "format=csv patient=(see PHI)")
            #expect(exports.first?.phi?.patientID == "MRN-7")
            #expect(exports.first?.actor.id == server.cast.person(.auditor).id.rawValue)
        }
    }

    @Test func phiAccessIsRecordedThroughTheGroupCommit() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-phi-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let recorder = PHIAccessRecorder(ledger: LedgerServices(store: store, dataDirectory: directory.path))
            let access = PHIAccess(
                actor: AuditActor(kind: .person, id: "per_x"), patientID: "  MRN-9 ", resource: AuditTarget(type: "Patient", id: "MRN-9"),
                deviceID: nil, place: .inside, purpose: .emergencyTreatment, operation: .read, outcome: .success)
            let events = try await withThrowingTaskGroup(of: AuditEvent.self) { group in
                for _ in 0..<20 { group.addTask { try await recorder.record(access) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(events.map(\.sequence)) == Set(1...20))
            #expect(events.allSatisfy { $0.phi?.patientID == "MRN-9" && $0.action == "phi.read" })
            var bad = access
            bad.patientID = ""
            await #expect(throws: VigilCore.ValidationError.self) { try await recorder.record(bad) }
        }
    }
}

/// The signer, the key files and the group commit under pressure.
@Suite struct LedgerSigningTests {
    @Test(arguments: StoreBackend.available)
    func concurrentSigningKeepsEveryHeadTrue(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-sign-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let ledger = LedgerServices(store: store, dataDirectory: directory.path)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<12 {
                    group.addTask { _ = try await store.appendAuditEvents((0..<5).map { LedgerFixtures.event(round * 5 + $0) }) }
                    group.addTask { try await ledger.signer.signNow() }
                    group.addTask { try await ledger.signer.signNow() }
                }
                try await group.waitForAll()
            }
            try await ledger.signer.signNow()
            let report = try await LedgerVerification.run(store, keys: try await store.ledgerKeys())
            #expect(report.problem == nil)
            #expect(report.entries == 61)
            #expect(report.headsMatched == (try await store.signedHeads().count))
        }
    }

    @Test func oneBadEventDoesNotFailTheOthersInItsBatch() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-batch-\(UUID().uuidString)")
            let ledger = LedgerServices(store: store, dataDirectory: directory.path)
            let existing = try await store.appendAuditEvent(LedgerFixtures.event(1))
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 2..<40 {
                    var draft = LedgerFixtures.event(index)
                    if index == 20 { draft.id = existing.id }  // a duplicate: refused
                    group.addTask { (try? await ledger.appender.submit(draft)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 37)
            #expect(try await store.ledgerSize() == 38)
        }
    }

    @Test func keyFilesReadableByOthersAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = SigningKeyFiles.ledger(dataDirectory: directory.path)
        let key = Ed25519SigningKey()
        try files.save(key)
        #expect(try files.load(keyID: key.publicKey.id).publicKey == key.publicKey)
        #expect(throws: OwnerOnlyFile.Failure.self) { try files.save(key) }
        let path = files.path(keyID: key.publicKey.id)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SigningKeyFiles.Failure.self) { try files.load(keyID: key.publicKey.id) }
        #expect(files.publicKeys().isEmpty)
    }
}

/// When the background signer signs.
@Suite struct LedgerSigningScheduleTests {
    @Test func aHeadIsDueAfterEnoughEntriesOrEnoughTimeWithNewEntries() {
        func due(_ entries: Int64, _ signed: Int64, after seconds: Int) -> Bool {
            LedgerSigning.isDue(
                entries: entries, signed: signed, every: 1_000, sinceLastHead: .seconds(seconds), interval: .seconds(60))
        }
        #expect(due(2_000, 1_000, after: 1))
        #expect(!due(1_999, 1_000, after: 1))
        #expect(due(1_001, 1_000, after: 60))
        #expect(!due(1_000, 1_000, after: 600))  // nothing new: no head, however long
        #expect(!due(1_001, 1_000, after: 59))
    }
}
