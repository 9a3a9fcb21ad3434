import Foundation
import VigilCore

/// Builds proof bundles (`docs/ledger.md`) from the stored leaf hashes.
///
/// Each bundle reads every leaf hash up to its head (32 bytes per entry) and rebuilds the tree's
/// perfect subtrees in memory.
public struct LedgerProofs: Sendable {
    let store: any LedgerStore

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
        let tree = MerkleTree(leaves: try await store.ledgerLeafHashes(after: 0, through: head.treeSize))
        guard tree.root(size: Int(head.treeSize)) == head.rootHash else {
            throw StoreError.corruptRecord("the stored leaves do not lead to the head of size \(head.treeSize)")
        }
        return tree
    }
}

/// Verification of the whole stored ledger (`vigil audit verify`).
public enum LedgerVerification {
    /// Entries read per query.
    static let pageSize: Int64 = 10_000

    /// Reads every entry in order and checks it (see ``LedgerVerifier``).
    /// - Parameters:
    ///   - store: The store to check.
    ///   - pinnedKeys: The keys to trust; `nil` trusts the keys the store publishes.
    ///   - progress: Called after each page with the entries checked and the entries in the log.
    /// - Returns: The report, naming the first divergence if any.
    public static func run(
        _ store: any LedgerStore, pinnedKeys: [LedgerPublicKey]?,
        progress: (_ checked: Int64, _ total: Int64) -> Void = { _, _ in }
    ) async throws -> LedgerVerifier.Report {
        var keys = pinnedKeys ?? []
        if pinnedKeys == nil { keys = try await store.ledgerKeys().map(\.publicKey) }
        let total = try await store.ledgerSize()
        var verifier = LedgerVerifier(heads: try await store.signedHeads(), keys: keys)
        // Two pages are read (and their leaves hashed) at once while the verifier walks the
        // one before: each page is a range of sequence numbers, so a gap only makes it shorter.
        func page(_ index: Int64) -> Task<[LedgerLeafCheck], any Error> {
            Task { try await store.ledgerLeafChecks(after: index * pageSize, through: (index + 1) * pageSize) }
        }
        let pages = (total + pageSize - 1) / pageSize
        var pending = (0..<min(2, pages)).map(page)
        reading: for index in 0..<pages {
            let checks = try await pending.removeFirst().value
            if index + 2 < pages { pending.append(page(index + 2)) }
            for check in checks where !verifier.check(sequence: check.sequence, leaf: check.recomputed, storedLeaf: check.stored) {
                break reading
            }
            progress(min((index + 1) * pageSize, total), total)
        }
        for task in pending { task.cancel() }
        return verifier.finish()
    }
}
