/// Checks Merkle proofs with the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
public enum MerkleProof {
    /// Whether `path` proves that `leaf` is leaf `index` of the tree of `size` leaves with head `root`.
    public static func verifyInclusion(
        leaf: MerkleHash, index: Int64, size: Int64, path: [MerkleHash], root: MerkleHash
    ) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var hash = leaf
        for sibling in path {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                hash = MerkleHash.node(sibling, hash)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                hash = MerkleHash.node(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && hash == root
    }

    /// Whether `path` proves that the tree of `oldSize` leaves with head `oldRoot` is a prefix of
    /// the tree of `newSize` leaves with head `newRoot`.
    public static func verifyConsistency(
        oldSize: Int64, newSize: Int64, oldRoot: MerkleHash, newRoot: MerkleHash, path: [MerkleHash]
    ) -> Bool {
        guard oldSize > 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return path.isEmpty && oldRoot == newRoot }
        var proof = path[...]
        if oldSize.nonzeroBitCount == 1 { proof.insert(oldRoot, at: proof.startIndex) }
        guard let first = proof.popFirst() else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldHash = first
        var newHash = first
        for hash in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                oldHash = MerkleHash.node(hash, oldHash)
                newHash = MerkleHash.node(hash, newHash)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                newHash = MerkleHash.node(newHash, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && oldHash == oldRoot && newHash == newRoot
    }
}
