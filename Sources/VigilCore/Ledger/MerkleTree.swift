/// The running head of a growing Merkle tree: the roots of its perfect subtrees, largest first
/// (a "compact range"), so that appending a leaf costs one hash on average and the head of any
/// size can be worked out without the leaves.
public struct MerkleFrontier: Sendable, Equatable {
    /// The perfect subtrees' roots, from the left; their sizes are the set bits of ``size``.
    public private(set) var subtrees: [MerkleHash] = []
    /// The number of leaves appended.
    public private(set) var size: Int64 = 0

    /// An empty tree.
    public init() {}

    /// A tree restored from its stored frontier.
    /// - Returns: `nil` when the number of subtree roots does not match `size`.
    public init?(size: Int64, subtrees: [MerkleHash]) {
        guard size >= 0, size.nonzeroBitCount == subtrees.count else { return nil }
        self.size = size
        self.subtrees = subtrees
    }

    /// Appends a leaf hash.
    public mutating func append(_ leaf: MerkleHash) {
        var node = leaf
        var merges = (size ^ (size + 1)) >> 1  // one merge per trailing 1 bit of the old size
        while merges != 0 {
            node = MerkleHash.node(subtrees.removeLast(), node)
            merges >>= 1
        }
        subtrees.append(node)
        size += 1
    }

    /// The tree head over every leaf appended (RFC 6962 MTH).
    public var root: MerkleHash {
        guard var node = subtrees.last else { return .emptyTree }
        for subtree in subtrees.dropLast().reversed() { node = MerkleHash.node(subtree, node) }
        return node
    }
}

/// Every perfect subtree of a list of leaves, level by level, from which inclusion and
/// consistency proofs (RFC 6962 §2.1.1, §2.1.2) are read for any tree size up to the leaf count.
public struct MerkleTree: Sendable {
    /// `levels[0]` are the leaves; `levels[l][i]` is the root of leaves `i·2^l ..< (i+1)·2^l`.
    private var levels: [[MerkleHash]]

    /// Builds the tree's perfect subtrees over `leaves`.
    public init(leaves: [MerkleHash]) {
        levels = [leaves]
        while let below = levels.last, below.count >= 2 {
            levels.append(stride(from: 0, to: below.count - 1, by: 2).map { MerkleHash.node(below[$0], below[$0 + 1]) })
        }
    }

    /// The number of leaves.
    public var size: Int { levels[0].count }

    /// The head of the first `size` leaves.
    public func root(size: Int) -> MerkleHash {
        size == 0 ? .emptyTree : subtreeRoot(0, size)
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves, from the leaf's
    /// sibling up (RFC 6962 PATH).
    /// - Returns: `nil` when `index` is not below `size` or `size` exceeds the leaves.
    public func inclusionPath(index: Int, size: Int) -> [MerkleHash]? {
        guard index >= 0, index < size, size <= self.size else { return nil }
        var path: [MerkleHash] = []
        collectPath(index: index, start: 0, count: size, into: &path)
        return path
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves
    /// (RFC 6962 PROOF).
    /// - Returns: `nil` unless `0 < oldSize <= newSize <= size`.
    public func consistencyPath(oldSize: Int, newSize: Int) -> [MerkleHash]? {
        guard oldSize > 0, oldSize <= newSize, newSize <= size else { return nil }
        var path: [MerkleHash] = []
        collectConsistency(oldSize: oldSize, start: 0, count: newSize, oldIsWholeSubtree: true, into: &path)
        return path
    }

    /// MTH of leaves `start ..< start + count`, where `start` is a multiple of the largest power of
    /// two below `count` (as in every split RFC 6962 makes).
    private func subtreeRoot(_ start: Int, _ count: Int) -> MerkleHash {
        if count.nonzeroBitCount == 1 {
            let level = count.trailingZeroBitCount
            return levels[level][start >> level]
        }
        let split = Self.largestPowerOfTwo(below: count)
        return MerkleHash.node(subtreeRoot(start, split), subtreeRoot(start + split, count - split))
    }

    private func collectPath(index: Int, start: Int, count: Int, into path: inout [MerkleHash]) {
        guard count > 1 else { return }
        let split = Self.largestPowerOfTwo(below: count)
        if index < split {
            collectPath(index: index, start: start, count: split, into: &path)
            path.append(subtreeRoot(start + split, count - split))
        } else {
            collectPath(index: index - split, start: start + split, count: count - split, into: &path)
            path.append(subtreeRoot(start, split))
        }
    }

    /// RFC 6962 SUBPROOF(m, D[start:start+count], b).
    private func collectConsistency(
        oldSize: Int, start: Int, count: Int, oldIsWholeSubtree: Bool, into path: inout [MerkleHash]
    ) {
        if oldSize == count {
            if !oldIsWholeSubtree { path.append(subtreeRoot(start, count)) }
            return
        }
        let split = Self.largestPowerOfTwo(below: count)
        if oldSize <= split {
            collectConsistency(
                oldSize: oldSize, start: start, count: split, oldIsWholeSubtree: oldIsWholeSubtree, into: &path)
            path.append(subtreeRoot(start + split, count - split))
        } else {
            collectConsistency(
                oldSize: oldSize - split, start: start + split, count: count - split, oldIsWholeSubtree: false,
                into: &path)
            path.append(subtreeRoot(start, split))
        }
    }

    /// The largest power of two strictly below `count` (for `count` ≥ 2).
    static func largestPowerOfTwo(below count: Int) -> Int {
        1 << (Int.bitWidth - 1 - (count - 1).leadingZeroBitCount)
    }
}
