import Foundation
import Testing
import VigilCore

/// The verifier names the first place where a log diverges, for each kind of tampering.
@Suite struct LedgerVerifierTests {
    static let key = Ed25519SigningKey()
    static let leaves = (0..<20).map { MerkleHash.leaf(Array("entry \($0)".utf8)) }

    /// Heads at sizes 5, 10 and 20 over the untouched leaves.
    static func heads(_ sizes: [Int] = [5, 10, 20]) -> [SignedTreeHead] {
        let tree = MerkleTree(leaves: leaves)
        return sizes.map { try! SignedTreeHead(treeSize: Int64($0), rootHash: tree.root(size: $0), at: Date(), key: key) }
    }

    /// Runs the verifier over `rows` of (sequence, recomputed leaf, stored leaf).
    static func verify(_ rows: [(Int64, MerkleHash, MerkleHash?)], heads: [SignedTreeHead] = heads()) -> LedgerVerifier.Report {
        var verifier = LedgerVerifier(heads: heads, keys: [key.publicKey])
        for (sequence, leaf, stored) in rows where !verifier.check(sequence: sequence, leaf: leaf, storedLeaf: stored) { break }
        return verifier.finish()
    }

    static var intact: [(Int64, MerkleHash, MerkleHash?)] {
        leaves.enumerated().map { (Int64($0.offset + 1), $0.element, $0.element) }
    }

    @Test func anIntactLogPasses() {
        let report = Self.verify(Self.intact)
        #expect(report.entries == 20)
        #expect(report.headsMatched == 3)
        #expect(report.problem == nil)
    }

    @Test func anEditedEntryIsNamed() {
        var rows = Self.intact
        rows[6].1 = MerkleHash.leaf(Array("edited".utf8))
        #expect(Self.verify(rows).problem == .changed(sequence: 7))
    }

    @Test func aDeletedEntryIsNamed() {
        var rows = Self.intact
        rows.remove(at: 8)
        #expect(Self.verify(rows).problem == .missing(sequence: 9))
    }

    @Test func anEntryWithoutItsLeafHashWasInsertedOutsideVigil() {
        var rows = Self.intact
        rows[11].2 = nil
        #expect(Self.verify(rows).problem == .unrecorded(sequence: 12))
    }

    @Test func reorderedEntriesAreNamed() {
        var rows = Self.intact
        (rows[3].1, rows[4].1) = (rows[4].1, rows[3].1)
        #expect(Self.verify(rows).problem == .changed(sequence: 4))
    }

    @Test func entriesRewrittenWithTheirLeafHashesFailTheNextHead() {
        var rows = Self.intact
        let forged = MerkleHash.leaf(Array("forged".utf8))
        rows[12] = (13, forged, forged)
        let problem = Self.verify(rows).problem
        #expect(problem == .headMismatch(treeSize: 20, lastMatchingSize: 10))
        #expect(problem?.firstEntry == 11)
    }

    @Test func aTruncatedLogIsNamed() {
        let report = Self.verify(Array(Self.intact.prefix(17)))
        #expect(report.problem == .truncated(entries: 17, treeSize: 20))
        #expect(report.problem?.firstEntry == 18)
    }

    @Test func aHeadWithABadSignatureIsNamed() {
        var heads = Self.heads()
        let head = heads[1]
        heads[1] = SignedTreeHead(
            origin: head.origin, treeSize: head.treeSize, rootHash: MerkleHash.leaf([9]), timestamp: head.timestamp,
            keyID: head.keyID, signature: head.signature)
        #expect(Self.verify(Self.intact, heads: heads).problem == .badSignature(treeSize: 10, keyID: head.keyID))
        let unknownKey = LedgerVerifier(heads: Self.heads(), keys: [Ed25519SigningKey().publicKey]).finish().problem
        #expect(unknownKey == .badSignature(treeSize: 5, keyID: Self.key.publicKey.id))
    }

    @Test func entriesAfterTheLatestHeadAreCheckedAgainstTheirLeafHashes() {
        var rows = Self.intact
        rows[19].1 = MerkleHash.leaf([0])
        #expect(Self.verify(rows, heads: Self.heads([5, 10])).problem == .changed(sequence: 20))
    }
}

/// Keys retired after a leak, and logs that stop short.
@Suite struct LedgerVerifierKeyTests {
    @Test func aHeadSignedWithARetiredKeyIsRefused() {
        let heads = LedgerVerifierTests.heads()
        let key = LedgerVerifierTests.key.publicKey
        let longBefore = heads[0].timestamp - LedgerVerifier.retirementGrace - 1
        let retiredBefore = LedgerVerifier(heads: heads, keys: [key], retirements: [key.id: longBefore]).finish()
        #expect(retiredBefore.problem == .retiredKey(treeSize: 5, keyID: key.id))
        let justBefore = heads[2].timestamp - 1_000  // within the grace: a signer racing the rotation
        let retiredAfter = LedgerVerifier(heads: heads, keys: [key], retirements: [key.id: justBefore])
        #expect(retiredAfter.finish().problem == .truncated(entries: 0, treeSize: 20))
    }

    @Test func aGapNotedByTheReaderIsTheNextEntry() {
        var verifier = LedgerVerifier(heads: [], keys: [])
        for (sequence, leaf, stored) in LedgerVerifierTests.intact.prefix(3) {
            _ = verifier.check(sequence: sequence, leaf: leaf, storedLeaf: stored)
        }
        verifier.noteGap()
        #expect(verifier.finish().problem == .missing(sequence: 4))
    }
}
