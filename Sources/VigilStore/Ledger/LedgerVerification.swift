import Foundation
import VigilCore

/// Verification of the whole stored ledger (`vigil audit verify`).
public enum LedgerVerification {
    /// Entries read per query.
    static let pageSize: Int64 = 10_000
    /// Pages read at once, ahead of the one being checked.
    static let pagesAhead: Int64 = 2

    /// Reads every entry in order and checks it (see ``LedgerVerifier``).
    /// - Parameters:
    ///   - store: The store to check.
    ///   - keys: The keys to trust, with the retirement time of those retired.
    ///   - progress: Called after each page with the entries checked and the entries in the log.
    /// - Returns: The report, naming the first divergence if any.
    public static func run(
        _ store: any LedgerStore, keys: [SigningKeyRecord],
        progress: (_ checked: Int64, _ total: Int64) -> Void = { _, _ in }
    ) async throws -> LedgerVerifier.Report {
        // Heads first: a head signed meanwhile covers only entries committed before it, so the
        // size read next covers every head read.
        let heads = try await store.signedHeads()
        let total = try await store.ledgerSize()
        var verifier = LedgerVerifier(
            heads: heads, keys: keys.map(\.publicKey),
            retirements: Dictionary(
                keys.compactMap { key in key.retiredAt.map { (key.publicKey.id, $0.millisecondsSince1970) } },
                uniquingKeysWith: { first, _ in first }))
        // Pages are read (and their leaves hashed) ahead, several at once, while the verifier walks
        // the one before. Each page is a range of sequence numbers; one that comes back empty is a gap.
        func page(_ index: Int64) -> Task<[LedgerLeafCheck], any Error> {
            Task { try await store.ledgerLeafChecks(after: index * pageSize, through: (index + 1) * pageSize) }
        }
        let pages = total / pageSize + (total % pageSize == 0 ? 0 : 1)
        var pending = (0..<min(Self.pagesAhead, pages)).map(page)
        defer { for task in pending { task.cancel() } }
        reading: for index in 0..<pages {
            let checks = try await pending.removeFirst().value
            if index + Self.pagesAhead < pages { pending.append(page(index + Self.pagesAhead)) }
            if checks.isEmpty {
                verifier.noteGap()
                break
            }
            for check in checks
            where !verifier.check(sequence: check.sequence, leaf: check.recomputed, storedLeaf: check.stored) {
                break reading
            }
            progress(min((index + 1) * pageSize, total), total)
        }
        return verifier.finish()
    }
}
