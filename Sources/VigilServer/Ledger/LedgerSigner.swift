import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Signs tree heads over the committed ledger: on demand, and in the background whenever enough
/// entries arrived or enough time passed (`docs/ledger.md`).
public actor LedgerSigner {
    private let store: any VigilStore
    private let keys: LedgerKeys
    private var frontier = MerkleFrontier()
    /// The first key's creation, shared by the calls that find none (so that only one is made).
    private var firstKey: Task<Ed25519SigningKey, any Error>?

    /// A signer for `store` with the key files of `keys`.
    public init(store: any VigilStore, keys: LedgerKeys) {
        self.store = store
        self.keys = keys
    }

    /// Signs a head over every entry committed now, unless the latest head already covers them.
    ///
    /// Calls may interleave (the actor is re-entered at each `await`): each works on its own copy
    /// of the frontier, and two that sign the same size keep the first head stored.
    /// - Returns: The latest head, or `nil` while the ledger is empty.
    @discardableResult
    public func signNow(at time: Date = Date()) async throws -> SignedTreeHead? {
        // The key first: making the first one appends an event, which this head then covers.
        let key = try await currentKey(at: time)
        let committed = try await store.ledgerSize()
        let latest = try await store.latestSignedHead()
        if let latest, latest.head.treeSize >= committed { return latest.head }
        guard committed > 0 else { return nil }
        // An interleaved call may have taken the frontier past `committed` meanwhile; those
        // entries are committed too.
        let size = max(committed, frontier.size)
        var working = frontier
        if let latest, latest.frontier.size > working.size, try await isTrustworthy(latest) { working = latest.frontier }
        for leaf in try await store.ledgerLeafHashes(after: working.size, through: size) { working.append(leaf) }
        guard working.size == size else {
            throw StoreError.corruptRecord("the ledger has \(working.size) leaf hashes for \(size) entries")
        }
        let head = try SignedTreeHead(treeSize: size, rootHash: working.root, at: time, key: key)
        if working.size > frontier.size { frontier = working }
        do {
            try await store.appendSignedHead(StoredTreeHead(head: head, frontier: working))
        } catch StoreError.conflict {
            // Another call or replica signed this size first; its head is as good.
            return try await store.signedHead(treeSize: size) ?? head
        }
        return head
    }

    /// The key to sign with: the store's current key, or the first one, made once.
    private func currentKey(at time: Date) async throws -> Ed25519SigningKey {
        if let key = try await keys.published() { return key }
        if let firstKey { return try await firstKey.value }
        let making = Task { [keys] in try await keys.current(at: time) }
        firstKey = making
        do {
            return try await making.value
        } catch {
            firstKey = nil
            throw error
        }
    }

    /// Whether a stored head's frontier may be continued: it is the shape of its size, leads to
    /// its root, and the head was signed with a key whose private half this server holds (so
    /// that a frontier planted in the database is never signed over).
    private func isTrustworthy(_ stored: StoredTreeHead) async throws -> Bool {
        guard stored.frontier.size == stored.head.treeSize, stored.frontier.root == stored.head.rootHash,
            let key = try? keys.files.load(keyID: stored.head.keyID)
        else { return false }
        return stored.head.isSigned(by: key.publicKey)
    }

    /// The head to prove `sequence` against: the smallest signed head covering it, signing one
    /// now if none does yet.
    /// - Returns: `nil` when the entry does not exist.
    public func head(covering sequence: Int64) async throws -> SignedTreeHead? {
        if let head = try await store.signedHead(covering: sequence) { return head }
        guard let head = try await signNow(), head.treeSize >= sequence else { return nil }
        return head
    }
}

/// The background half of ``LedgerSigner``: every second, signs when at least `every` entries
/// arrived since the last head, or when `interval` passed and any entry arrived.
struct LedgerSigning: Service {
    let signer: LedgerSigner
    let store: any VigilStore
    let every: Int64
    let interval: Duration
    let logger: Logger

    /// Whether a head is due: `every` entries arrived since the last one, or `interval` passed and
    /// any entry arrived.
    static func isDue(entries: Int64, signed: Int64, every: Int64, sinceLastHead: Duration, interval: Duration) -> Bool {
        entries - signed >= every || (entries > signed && sinceLastHead >= interval)
    }

    func run() async throws {
        var lastSigned = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            do {
                let size = try await store.ledgerSize()
                let signedSize = try await store.latestSignedHead()?.head.treeSize ?? 0
                guard
                    Self.isDue(
                        entries: size, signed: signedSize, every: every, sinceLastHead: ContinuousClock.now - lastSigned,
                        interval: interval)
                else { continue }
                try await signer.signNow()
                lastSigned = ContinuousClock.now
            } catch {
                logger.error("Could not sign a ledger head: \(String(describing: error))")
            }
        }
        // The last entries get their head before the server stops.
        do { try await signer.signNow() } catch { logger.error("Could not sign the final ledger head: \(error)") }
    }
}
