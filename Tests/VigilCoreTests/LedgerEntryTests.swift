import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// Canonical entry bytes, signed heads and proof bundles, checked against the independent verifier.
@Suite struct LedgerEntryTests {
    typealias Independent = IndependentLedgerVerifier

    static let events = (1...12).map { AuditEvent(LedgerFixtures.event($0), sequence: Int64($0)) }

    @Test func entryBytesAreThoseTheSpecificationDescribes() {
        for event in Self.events {
            #expect(event.ledgerEntry == Independent.entryBytes(LedgerFixtures.columns(event)))
            #expect(event.leafHash.bytes == Independent.leafHash(entry: event.ledgerEntry))
        }
    }

    @Test func entryBytesReadBackIntoTheEvent() {
        for event in Self.events {
            #expect(AuditEvent(ledgerEntry: event.ledgerEntry) == event)
        }
        var truncated = Self.events[0].ledgerEntry
        truncated.removeLast()
        #expect(AuditEvent(ledgerEntry: truncated) == nil)
        #expect(AuditEvent(ledgerEntry: [2] + Self.events[0].ledgerEntry.dropFirst()) == nil)
    }

    @Test func absentAndEmptyTextDiffer() {
        let draft = LedgerFixtures.event(4)
        var absent = draft
        absent.reason = nil
        let withEmpty = AuditEvent(draft, sequence: 4)
        let withAbsent = AuditEvent(absent, sequence: 4)
        #expect(withEmpty.reason == "")
        #expect(withEmpty.leafHash != withAbsent.leafHash)
    }

    @Test func headsSignTheCheckpointText() throws {
        let key = Ed25519SigningKey()
        let root = MerkleHash.leaf([1, 2, 3])
        let head = try SignedTreeHead(treeSize: 42, rootHash: root, at: Date(millisecondsSince1970: 1_764_412_800_000), key: key)
        #expect(Array(head.checkpoint.utf8) == Independent.checkpoint(origin: "vigil-ledger", treeSize: 42, root: root.bytes, timestampMilliseconds: 1_764_412_800_000))
        #expect(head.keyID == Independent.keyID(publicKey: Array(key.publicKey.rawRepresentation)))
        #expect(head.isSigned(by: key.publicKey))
        #expect(!head.isSigned(by: Ed25519SigningKey().publicKey))
        let altered = SignedTreeHead(origin: head.origin, treeSize: 43, rootHash: root, timestamp: head.timestamp, keyID: head.keyID, signature: head.signature)
        #expect(!altered.isSigned(by: key.publicKey))
    }

    /// A bundle over `events` with every entry proven and an export, signed by `key`.
    static func bundle(key: Ed25519SigningKey, format: AuditExport.Format) throws -> ProofBundle {
        let tree = MerkleTree(leaves: events.map(\.leafHash))
        let head = try SignedTreeHead(treeSize: 12, rootHash: tree.root(size: 12), at: Date(), key: key)
        let earlier = try SignedTreeHead(treeSize: 5, rootHash: tree.root(size: 5), at: Date(), key: key)
        let proven = [events[1], events[6], events[11]]
        return ProofBundle(
            head: head,
            entries: proven.map {
                ProofBundle.Entry(
                    sequence: $0.sequence, entry: Data($0.ledgerEntry),
                    auditPath: tree.inclusionPath(index: Int($0.sequence - 1), size: 12)!)
            },
            earlierHead: earlier, consistencyPath: tree.consistencyPath(oldSize: 5, newSize: 12),
            export: ProofBundle.Export(mediaType: format.mediaType, content: AuditExport.render(proven, as: format)))
    }

    @Test(arguments: AuditExport.Format.allCases)
    func bundlesVerifyHereAndWithTheIndependentVerifier(_ format: AuditExport.Format) throws {
        let key = Ed25519SigningKey()
        let bundle = try Self.bundle(key: key, format: format)
        let verified = try bundle.verify(with: key.publicKey)
        #expect(verified.events.map(\.sequence) == [2, 7, 12])
        #expect(verified.exportedRecords == 3)
        let json = try VigilJSON.makeEncoder().encode(bundle)
        #expect(try Independent.verifyBundle(json, publicKey: Array(key.publicKey.rawRepresentation)) == [2, 7, 12])
        #expect(try VigilJSON.makeDecoder().decode(ProofBundle.self, from: json) == bundle)
    }

    @Test func tamperedBundlesAreRefused() throws {
        let key = Ed25519SigningKey()
        let bundle = try Self.bundle(key: key, format: .csv)
        #expect(throws: ProofBundle.Failure.self) { try bundle.verify(with: Ed25519SigningKey().publicKey) }

        var entry = [UInt8](bundle.entries[0].entry)
        entry[entry.count - 1] ^= 1
        let changedEntry = ProofBundle(
            head: bundle.head,
            entries: [ProofBundle.Entry(sequence: 2, entry: Data(entry), auditPath: bundle.entries[0].auditPath)])
        #expect(throws: ProofBundle.Failure.self) { try changedEntry.verify(with: key.publicKey) }

        let export = bundle.export!
        let changedExport = ProofBundle(
            head: bundle.head, entries: bundle.entries,
            export: ProofBundle.Export(mediaType: export.mediaType, content: export.content.replacingOccurrences(of: "req-7", with: "req-8")))
        #expect(throws: ProofBundle.Failure.self) { try changedExport.verify(with: key.publicKey) }

        let wrongEarlier = ProofBundle(
            head: bundle.head, entries: [], earlierHead: bundle.head, consistencyPath: bundle.consistencyPath)
        #expect(throws: ProofBundle.Failure.self) { try wrongEarlier.verify(with: key.publicKey) }
    }

    @Test func fhirExportCarriesTheRequiredElements() throws {
        let phi = Self.events[2]  // index 3: a PHI read
        let line = AuditExport.render([phi], as: .fhir)
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["resourceType"] as? String == "AuditEvent")
        #expect(object["action"] as? String == "R")
        #expect(object["outcome"] as? String == "0")
        #expect(object["recorded"] as? String == RFC3339.format(phi.occurredAt))
        #expect((object["type"] as? [String: Any])?["code"] as? String == "110110")
        let agents = try #require(object["agent"] as? [[String: Any]])
        #expect(agents.first?["requestor"] as? Bool == true)
        #expect(agents.count == 2)
        let source = try #require(object["source"] as? [String: Any])
        #expect((source["observer"] as? [String: Any])?["display"] as? String == "Vigil")
        let entities = try #require(object["entity"] as? [[String: Any]])
        #expect(entities.contains { ($0["what"] as? [String: Any])?["reference"] as? String == "Patient/MRN-3" })
        let purpose = try #require(object["purposeOfEvent"] as? [[String: Any]])
        #expect(((purpose.first?["coding"] as? [[String: Any]])?.first?["code"]) as? String == "TREAT")
        let id = try #require(object["id"] as? String)
        #expect(id.wholeMatch(of: /[A-Za-z0-9\-\.]{1,64}/) != nil)
    }

    @Test func csvExportDefusesFormulasAndQuotes() {
        let event = AuditEvent(
            AuditEventDraft(
                occurredAt: Date(millisecondsSince1970: 0), actor: .system("x"), action: "test.csv", target: nil,
                outcome: .failure, reason: "=HYPERLINK(\"x\"), y"),
            sequence: 1)
        let csv = AuditExport.render([event], as: .csv)
        #expect(csv.hasPrefix(AuditExport.csvColumns.joined(separator: ",") + "\r\n"))
        #expect(csv.contains(#""'=HYPERLINK(""x""), y""#))
    }
}
