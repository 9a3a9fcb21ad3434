import Testing
import VigilCore
import VigilTestSupport

/// The Merkle tree against RFC 6962's published vectors and against the independent verifier.
@Suite struct MerkleTreeTests {
    typealias Independent = IndependentLedgerVerifier

    static let leaves = MerkleTestVectors.leafData.map { MerkleHash.leaf($0) }
    static var tree: MerkleTree { MerkleTree(leaves: leaves) }

    static func hashes(_ bytes: [[UInt8]]) -> [MerkleHash] { bytes.map { MerkleHash(bytes: $0)! } }

    /// Leaf hashes of `count` distinct entries.
    static func syntheticLeaves(_ count: Int) -> [MerkleHash] {
        (0..<count).map { MerkleHash.leaf(Array("entry \($0)".utf8)) }
    }

    @Test func rootsMatchThePublishedVectors() {
        var frontier = MerkleFrontier()
        for (index, leaf) in Self.leaves.enumerated() {
            frontier.append(leaf)
            let expected = MerkleHash(bytes: MerkleTestVectors.roots[index])
            #expect(frontier.root == expected)
            #expect(Self.tree.root(size: index + 1) == expected)
        }
        #expect(MerkleFrontier().root == MerkleHash(bytes: Independent.root(leafHashes: [])))
    }

    @Test(arguments: MerkleTestVectors.inclusion)
    func inclusionProofsMatchTheVectors(_ vector: MerkleTestVectors.InclusionCase) {
        let path = Self.tree.inclusionPath(index: vector.index, size: vector.treeSize)
        #expect(path == Self.hashes(vector.path))
        let root = MerkleHash(bytes: MerkleTestVectors.roots[vector.treeSize - 1])!
        let leaf = Self.leaves[vector.index]
        let proof = Self.hashes(vector.path)
        #expect(MerkleProof.verifyInclusion(leaf: leaf, index: Int64(vector.index), size: Int64(vector.treeSize), path: proof, root: root))
        #expect(!MerkleProof.verifyInclusion(leaf: Self.leaves[(vector.index + 1) % 8], index: Int64(vector.index), size: Int64(vector.treeSize), path: proof, root: root))
        #expect(!MerkleProof.verifyInclusion(leaf: leaf, index: Int64(vector.index), size: Int64(vector.treeSize) * 2, path: proof, root: root))
        #expect(!MerkleProof.verifyInclusion(leaf: leaf, index: Int64(vector.index), size: Int64(vector.treeSize), path: proof + [root], root: root))
    }

    @Test(arguments: MerkleTestVectors.consistency)
    func consistencyProofsMatchTheVectors(_ vector: MerkleTestVectors.ConsistencyCase) {
        let path = Self.tree.consistencyPath(oldSize: vector.oldSize, newSize: vector.newSize)
        #expect(path == Self.hashes(vector.path))
        let oldRoot = MerkleHash(bytes: MerkleTestVectors.roots[vector.oldSize - 1])!
        let newRoot = MerkleHash(bytes: MerkleTestVectors.roots[vector.newSize - 1])!
        let proof = Self.hashes(vector.path)
        let (old, new) = (Int64(vector.oldSize), Int64(vector.newSize))
        #expect(MerkleProof.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: newRoot, path: proof))
        guard old != new else {
            #expect(!MerkleProof.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: Self.leaves[7], path: proof))
            return
        }
        #expect(!MerkleProof.verifyConsistency(oldSize: old, newSize: new, oldRoot: newRoot, newRoot: newRoot, path: proof))
        #expect(!MerkleProof.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: oldRoot, path: proof))
        #expect(!MerkleProof.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: newRoot, path: proof.dropLast()))
    }

    @Test func everyProofUpToSeventyLeavesAgreesWithTheIndependentVerifier() {
        let leaves = Self.syntheticLeaves(70)
        let tree = MerkleTree(leaves: leaves)
        let raw = leaves.map(\.bytes)
        var frontier = MerkleFrontier()
        for size in 1...leaves.count {
            frontier.append(leaves[size - 1])
            let root = tree.root(size: size)
            #expect(root.bytes == Independent.root(leafHashes: Array(raw[0..<size])))
            #expect(frontier.root == root)
            for index in 0..<size {
                let path = tree.inclusionPath(index: index, size: size) ?? []
                let reference = Independent.inclusionPath(index: index, leafHashes: Array(raw[0..<size]))
                guard path.map(\.bytes) == reference else {
                    Issue.record("inclusion path of \(index) in \(size) differs")
                    return
                }
                #expect(MerkleProof.verifyInclusion(leaf: leaves[index], index: Int64(index), size: Int64(size), path: path, root: root))
            }
            for oldSize in 1...size {
                let path = tree.consistencyPath(oldSize: oldSize, newSize: size) ?? []
                let reference = Independent.consistencyPath(oldSize: oldSize, leafHashes: Array(raw[0..<size]))
                guard path.map(\.bytes) == reference else {
                    Issue.record("consistency path \(oldSize) → \(size) differs")
                    return
                }
                let oldRoot = tree.root(size: oldSize)
                #expect(MerkleProof.verifyConsistency(oldSize: Int64(oldSize), newSize: Int64(size), oldRoot: oldRoot, newRoot: root, path: path))
                #expect(Independent.verifyConsistency(oldSize: UInt64(oldSize), newSize: UInt64(size), oldRoot: oldRoot.bytes, newRoot: root.bytes, path: path.map(\.bytes)))
            }
        }
    }

    @Test func frontierRestoresFromItsSubtrees() {
        var frontier = MerkleFrontier()
        for leaf in Self.syntheticLeaves(13) { frontier.append(leaf) }
        let restored = MerkleFrontier(size: 13, subtrees: frontier.subtrees)
        #expect(restored == frontier)
        #expect(MerkleFrontier(size: 12, subtrees: frontier.subtrees) == nil)
    }

    @Test func proofsOutsideTheTreeAreRefused() {
        let tree = Self.tree
        #expect(tree.inclusionPath(index: 8, size: 8) == nil)
        #expect(tree.inclusionPath(index: 0, size: 9) == nil)
        #expect(tree.consistencyPath(oldSize: 0, newSize: 4) == nil)
        #expect(tree.consistencyPath(oldSize: 5, newSize: 4) == nil)
        #expect(!MerkleProof.verifyInclusion(leaf: Self.leaves[0], index: 0, size: 0, path: [], root: .emptyTree))
    }
}
