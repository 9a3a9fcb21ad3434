import Crypto
import Foundation
import Testing
import VigilTestSupport

/// The independent ledger verifier against published RFC 6962 answers and hand-built proof bundles.
@Suite struct IndependentVerifierTests {
    typealias Verifier = IndependentLedgerVerifier

    let leaves = MerkleTestVectors.leafData.map(Verifier.leafHash(entry:))

    @Test func rootsMatchThePublishedOnes() {
        let empty = MerkleTestVectors.bytes(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Verifier.root(leafHashes: []) == empty)
        for size in 1...8 {
            let root = Verifier.root(leafHashes: Array(leaves.prefix(size)))
            #expect(root == MerkleTestVectors.roots[size - 1], "size \(size)")
        }
    }

    @Test(arguments: MerkleTestVectors.inclusion)
    func inclusionProofsVerifyAndTamperedOnesDoNot(_ vector: MerkleTestVectors.InclusionCase) {
        let root = MerkleTestVectors.roots[vector.treeSize - 1]
        let leaf = leaves[vector.index]
        let index = UInt64(vector.index), size = UInt64(vector.treeSize)
        func verifies(_ leaf: [UInt8], _ index: UInt64, _ size: UInt64, _ path: [[UInt8]]) -> Bool {
            Verifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, path: path, root: root)
        }

        #expect(verifies(leaf, index, size, vector.path))
        let generated = Verifier.inclusionPath(index: vector.index, leafHashes: Array(leaves.prefix(vector.treeSize)))
        #expect(generated == vector.path)
        #expect(!verifies(flipped(leaf), index, size, vector.path))
        #expect(!verifies(leaf, index + 1, size, vector.path))
        #expect(!verifies(leaf, index ^ 2, size, vector.path))
        #expect(!verifies(leaf, index, size * 2, vector.path))
        #expect(!verifies(leaf, index, size, vector.path + [root]))
        for position in vector.path.indices {
            var path = vector.path
            path[position] = flipped(path[position])
            #expect(!verifies(leaf, index, size, path), "path[\(position)] flipped")
        }
        if !vector.path.isEmpty {
            #expect(!verifies(leaf, index, size, Array(vector.path.dropLast())))
        }
    }

    @Test(arguments: MerkleTestVectors.consistency)
    func consistencyProofsVerifyAndTamperedOnesDoNot(_ vector: MerkleTestVectors.ConsistencyCase) {
        let oldRoot = MerkleTestVectors.roots[vector.oldSize - 1]
        let newRoot = MerkleTestVectors.roots[vector.newSize - 1]
        let old = UInt64(vector.oldSize), new = UInt64(vector.newSize)
        func verifies(_ old: UInt64, _ new: UInt64, _ oldRoot: [UInt8], _ newRoot: [UInt8], _ path: [[UInt8]]) -> Bool {
            Verifier.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: newRoot, path: path)
        }

        #expect(verifies(old, new, oldRoot, newRoot, vector.path))
        let tree = Array(leaves.prefix(vector.newSize))
        let generated = Verifier.consistencyPath(oldSize: vector.oldSize, leafHashes: tree)
        #expect(generated == vector.path)
        #expect(!verifies(old, new, flipped(oldRoot), newRoot, vector.path))
        #expect(!verifies(old, new, oldRoot, flipped(newRoot), vector.path))
        guard !vector.path.isEmpty else { return }
        #expect(!verifies(old - 1, new, oldRoot, newRoot, vector.path))
        #expect(!verifies(old + 1, new, oldRoot, newRoot, vector.path))
        #expect(!verifies(old, new * 2, oldRoot, newRoot, vector.path))
        #expect(!verifies(old, new, newRoot, oldRoot, vector.path))
        #expect(!verifies(old, new, oldRoot, newRoot, []))
        #expect(!verifies(old, new, oldRoot, newRoot, Array(vector.path.dropLast())))
        #expect(!verifies(old, new, oldRoot, newRoot, vector.path + [newRoot]))
        #expect(!verifies(old, new, oldRoot, newRoot, [vector.path[0]] + vector.path))
        for position in vector.path.indices {
            var path = vector.path
            path[position] = flipped(path[position])
            #expect(!verifies(old, new, oldRoot, newRoot, path), "path[\(position)] flipped")
        }
    }

    @Test func generatedProofsVerifyForEverySmallTree() {
        for size in 1...8 {
            let tree = Array(leaves.prefix(size)), root = Verifier.root(leafHashes: tree)
            for index in 0..<size {
                let path = Verifier.inclusionPath(index: index, leafHashes: tree)
                let verified = Verifier.verifyInclusion(
                    leafHash: tree[index], index: UInt64(index), treeSize: UInt64(size), path: path, root: root)
                #expect(verified, "leaf \(index) of \(size)")
            }
            for old in 1...size {
                let path = Verifier.consistencyPath(oldSize: old, leafHashes: tree)
                let oldRoot = Verifier.root(leafHashes: Array(tree.prefix(old)))
                let verified = Verifier.verifyConsistency(
                    oldSize: UInt64(old), newSize: UInt64(size), oldRoot: oldRoot, newRoot: root, path: path)
                #expect(verified, "\(old) to \(size)")
            }
        }
    }

    @Test func entryBytesFollowTheTable() {
        let columns = Verifier.Columns(
            sequence: 258, occurredAtMilliseconds: -1, id: "a", actorKind: "", actorID: nil, actorTokenID: nil,
            action: nil, targetType: nil, targetID: nil, outcome: nil, reason: nil, sourceAddress: nil, requestID: nil,
            phiPlace: "é")
        let absent: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        let expected: [UInt8] =
            [0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x02] + [UInt8](repeating: 0xFF, count: 8)
            + [0, 0, 0, 1, 0x61] + [0, 0, 0, 0] + Array([[UInt8]](repeating: absent, count: 12).joined())
            + [0, 0, 0, 2, 0xC3, 0xA9]
        #expect(Verifier.entryBytes(columns) == expected)
    }

    @Test func checkpointsAndKeyIDsFollowTheText() {
        let root = [UInt8](repeating: 0, count: 32)
        let text = Verifier.checkpoint(
            origin: "vigil-ledger", treeSize: 42, root: root, timestampMilliseconds: 1_764_412_800_000)
        let expected = "vigil-ledger\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntimestamp 1764412800000\n"
        #expect(String(decoding: text, as: UTF8.self) == expected)
        #expect(Verifier.keyID(publicKey: root) == "66687aadf862bd77")
    }

    @Test func aSoundBundleVerifies() throws {
        let bundle = try ProofBundle()
        #expect(try Verifier.verifyBundle(bundle.json(), publicKey: bundle.publicKey) == [2, 5])

        var csv = try ProofBundle()
        csv.object["export"] = [
            "mediaType": "text/csv",
            "content": "id,sequence,reason\r\naud_2,2,\"a \"\"quoted\"\", reason\r\nacross lines\"\r\naud_5,5,\r\n",
        ]
        #expect(try Verifier.verifyBundle(csv.json(), publicKey: csv.publicKey) == [2, 5])
    }

    @Test func aChangedEntryFails() throws {
        var bundle = try ProofBundle()
        var entries = try #require(bundle.object["entries"] as? [[String: Any]])
        let text = try #require(entries[0]["entry"] as? String)
        var bytes = try #require(Data(base64Encoded: text))
        bytes[bytes.count - 1] ^= 1
        entries[0]["entry"] = bytes.base64EncodedString()
        bundle.object["entries"] = entries
        let json = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(json, publicKey: bundle.publicKey) }
    }

    @Test func anotherKeyFails() throws {
        var bundle = try ProofBundle()
        let other = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        let json = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(json, publicKey: other) }

        var head = try #require(bundle.object["head"] as? [String: Any])
        head["keyID"] = Verifier.keyID(publicKey: other)
        bundle.object["head"] = head
        let renamed = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(renamed, publicKey: other) }
    }

    @Test func aChangedHeadFails() throws {
        var bundle = try ProofBundle()
        var head = try #require(bundle.object["head"] as? [String: Any])
        head["timestamp"] = 1_764_412_800_001
        bundle.object["head"] = head
        let json = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(json, publicKey: bundle.publicKey) }
    }

    @Test func aBrokenConsistencyProofFails() throws {
        var bundle = try ProofBundle()
        bundle.object["consistencyPath"] = [Data(count: 32).base64EncodedString()]
        let json = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(json, publicKey: bundle.publicKey) }
    }

    @Test func anExportOfAnUnprovenSequenceFails() throws {
        var bundle = try ProofBundle()
        bundle.object["export"] = ["mediaType": "application/fhir+ndjson", "content": ProofBundle.fhirLine(3) + "\n"]
        let json = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(json, publicKey: bundle.publicKey) }

        bundle.object["export"] = ["mediaType": "text/csv", "content": "sequence,id\n2,aud_2\n3,aud_3\n"]
        let csv = try bundle.json()
        #expect(throws: Verifier.Failure.self) { try Verifier.verifyBundle(csv, publicKey: bundle.publicKey) }
    }
}

/// `bytes` with the lowest bit of the first byte flipped.
private func flipped(_ bytes: [UInt8]) -> [UInt8] { [bytes[0] ^ 1] + bytes.dropFirst() }

/// A proof bundle of five entries: entries 2 and 5 proven in a head of size 5, consistent with a head of size 3.
private struct ProofBundle {
    let publicKey: [UInt8]
    var object: [String: Any]

    init() throws {
        typealias Verifier = IndependentLedgerVerifier
        let key = Curve25519.Signing.PrivateKey()
        publicKey = Array(key.publicKey.rawRepresentation)
        let entries = (1...5).map { sequence in
            Verifier.entryBytes(
                Verifier.Columns(
                    sequence: UInt64(sequence), occurredAtMilliseconds: 1_764_412_800_000 + Int64(sequence),
                    id: "aud_\(sequence)", actorKind: "person", actorID: "per_1", actorTokenID: nil, action: "phi.read",
                    targetType: "Observation", targetID: "\(sequence)", outcome: "success", reason: nil,
                    sourceAddress: "127.0.0.1", requestID: "req_\(sequence)", phiPatientID: "pat_1",
                    phiDeviceID: "dev_1", phiPurpose: "TREAT", phiPlace: "inside"))
        }
        let leaves = entries.map(Verifier.leafHash(entry:))
        let keyID = Verifier.keyID(publicKey: publicKey)
        func head(_ size: Int) throws -> [String: Any] {
            let root = Verifier.root(leafHashes: Array(leaves.prefix(size)))
            let timestamp: Int64 = 1_764_412_800_000 + Int64(size)
            let checkpoint = Verifier.checkpoint(
                origin: "vigil-ledger", treeSize: UInt64(size), root: root, timestampMilliseconds: timestamp)
            return [
                "origin": "vigil-ledger", "treeSize": size, "rootHash": Data(root).base64EncodedString(),
                "timestamp": timestamp, "keyID": keyID,
                "signature": try key.signature(for: checkpoint).base64EncodedString(),
            ]
        }
        func base64(_ hashes: [[UInt8]]) -> [String] { hashes.map { Data($0).base64EncodedString() } }
        object = [
            "format": "vigil-ledger-proof/1",
            "head": try head(5),
            "entries": [2, 5].map { sequence in
                [
                    "sequence": sequence, "entry": Data(entries[sequence - 1]).base64EncodedString(),
                    "auditPath": base64(Verifier.inclusionPath(index: sequence - 1, leafHashes: leaves)),
                ] as [String: Any]
            },
            "earlierHead": try head(3),
            "consistencyPath": base64(Verifier.consistencyPath(oldSize: 3, leafHashes: leaves)),
            "export": [
                "mediaType": "application/fhir+ndjson",
                "content": ProofBundle.fhirLine(2) + "\n" + ProofBundle.fhirLine(5) + "\n",
            ],
        ]
    }

    /// The bundle as JSON.
    func json() throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    /// A FHIR AuditEvent line naming `sequence`.
    static func fhirLine(_ sequence: Int) -> String {
        #"{"resourceType":"AuditEvent","id":"aud_\#(sequence)","extension":[{"url":"urn:other","valueString":"x"},"#
            + #"{"url":"urn:vigil:ledger-sequence","valueString":"\#(sequence)"}],"recorded":"2025-11-29T10:40:00Z"}"#
    }
}
