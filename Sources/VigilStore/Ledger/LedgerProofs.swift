import Foundation
import VigilCore

/// Builds proof bundles (`docs/ledger.md`) from the stored leaf hashes.
///
/// A bundle needs the tree of its head: every leaf hash up to the head's size (32 bytes per
/// entry), rebuilt into perfect subtrees in memory. The largest tree built is kept and answers
/// for every head up to its size, and requests share a build in progress, so that a burst of
/// proof requests costs one tree.
public actor LedgerProofs {
    let store: any LedgerStore
    private var latest: (size: Int64, tree: Task<MerkleTree, any Error>)?

    /// Proofs over `store`.
    public init(store: any LedgerStore) {
        self.store = store
    }

    /// A bundle proving `events` (each covered by `head`), with an optional export of them.
    /// - Throws: ``StoreError/corruptRecord(_:)`` when the stored leaves do not lead to the head's
    ///   root: the log was tampered with, and `vigil audit verify` says where.
    public func bundle(
        proving events: [AuditEvent], in head: SignedTreeHead, export: ProofBundle.Export? = nil
    ) async throws -> ProofBundle {
        let tree = try await tree(for: head)
        let entries = try events.map { event in
            guard let path = tree.inclusionPath(index: Int(event.sequence - 1), size: Int(head.treeSize)) else {
                throw StoreError.corruptRecord("entry \(event.sequence) is not covered by the head of size \(head.treeSize)")
            }
            return ProofBundle.Entry(sequence: event.sequence, entry: Data(event.ledgerEntry), auditPath: path)
        }
        return ProofBundle(head: head, entries: entries, export: export)
    }

    /// A bundle proving that the log of `later` extends the log of `earlier`.
    public func consistency(from earlier: SignedTreeHead, to later: SignedTreeHead) async throws -> ProofBundle {
        let tree = try await tree(for: later)
        guard let path = tree.consistencyPath(oldSize: Int(earlier.treeSize), newSize: Int(later.treeSize)),
            tree.root(size: Int(earlier.treeSize)) == earlier.rootHash
        else {
            throw StoreError.corruptRecord("the stored leaves do not lead to the head of size \(earlier.treeSize)")
        }
        return ProofBundle(head: later, entries: [], earlierHead: earlier, consistencyPath: path)
    }

    private func tree(for head: SignedTreeHead) async throws -> MerkleTree {
        let size = head.treeSize
        // The tree of a larger head answers for a smaller one too, so only growth builds anew.
        let build: Task<MerkleTree, any Error>
        if let latest, latest.size >= size {
            build = latest.tree
        } else {
            let store = store
            build = Task { MerkleTree(leaves: try await store.ledgerLeafHashes(after: 0, through: size)) }
            latest = (size, build)
        }
        let tree: MerkleTree
        do {
            tree = try await build.value
        } catch {
            if latest?.size == size { latest = nil }
            throw error
        }
        guard tree.root(size: Int(size)) == head.rootHash else {
            throw StoreError.corruptRecord("the stored leaves do not lead to the head of size \(size)")
        }
        return tree
    }
}
