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

    /// A signer for `store` with the key files of `keys`.
    public init(store: any VigilStore, keys: LedgerKeys) {
        self.store = store
        self.keys = keys
    }

    /// Signs a head over every entry committed now, unless the latest head already covers them.
    /// - Returns: The latest head, or `nil` while the ledger is empty.
    @discardableResult
    public func signNow(at time: Date = Date()) async throws -> SignedTreeHead? {
        // The key first: making the first one appends an event, which this head then covers.
        let key = try await keys.current(at: time)
        let size = try await store.ledgerSize()
        let latest = try await store.latestSignedHead()
        if let latest, latest.head.treeSize >= size { return latest.head }
        guard size > 0 else { return nil }
        if let latest, latest.frontier.size > frontier.size { frontier = latest.frontier }
        for leaf in try await store.ledgerLeafHashes(after: frontier.size, through: size) { frontier.append(leaf) }
        let head = try SignedTreeHead(treeSize: size, rootHash: frontier.root, at: time, key: key)
        do {
            try await store.appendSignedHead(StoredTreeHead(head: head, frontier: frontier))
        } catch StoreError.conflict {
            // Another replica signed this size first; its head is as good.
            return try await store.signedHead(treeSize: size) ?? head
        }
        return head
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

    func run() async throws {
        var lastSigned = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            do {
                let size = try await store.ledgerSize()
                let signedSize = try await store.latestSignedHead()?.head.treeSize ?? 0
                let due = size - signedSize >= every || (size > signedSize && ContinuousClock.now - lastSigned >= interval)
                guard due else { continue }
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
