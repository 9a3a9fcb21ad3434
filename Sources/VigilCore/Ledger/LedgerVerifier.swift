/// Recomputes the ledger entry by entry and checks it against the leaf hashes stored at append
/// time and against every signed head, to name the first place where the log diverges.
///
/// Feed it every entry in sequence order with ``check(sequence:leaf:storedLeaf:)`` until it
/// returns `false`, then read ``finish()``.
public struct LedgerVerifier: Sendable {
    /// Where and how the log diverges.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// A head's signature does not verify with any known key.
        case badSignature(treeSize: Int64, keyID: String)
        /// A head is signed with a key that had been retired by then (as a leaked key could be).
        case retiredKey(treeSize: Int64, keyID: String)
        /// The entry with this sequence is missing: the next one has a later sequence.
        case missing(sequence: Int64)
        /// The entry's bytes no longer hash to the leaf hash stored when it was appended.
        case changed(sequence: Int64)
        /// The entry has no stored leaf hash: it was not appended by Vigil.
        case unrecorded(sequence: Int64)
        /// The recomputed tree does not match a signed head; the entries after the last head that
        /// matched (`lastMatchingSize`) up to `treeSize` were rewritten along with their leaf hashes.
        case headMismatch(treeSize: Int64, lastMatchingSize: Int64)
        /// The log ends before a signed head's size: the entries after `entries` were removed.
        case truncated(entries: Int64, treeSize: Int64)

        /// The first entry affected.
        public var firstEntry: Int64? {
            switch self {
            case .badSignature, .retiredKey: nil
            case .missing(let sequence), .changed(let sequence), .unrecorded(let sequence): sequence
            case .headMismatch(_, let lastMatchingSize): lastMatchingSize + 1
            case .truncated(let entries, _): entries + 1
            }
        }

        public var description: String {
            switch self {
            case .badSignature(let size, let keyID):
                "the signed head of size \(size) does not verify with a trusted key (it names key \(keyID)): it was altered or forged, or that key is not trusted here"
            case .retiredKey(let size, let keyID):
                "the signed head of size \(size) is signed with key \(keyID) well after that key was retired: the head was forged"
            case .missing(let sequence):
                "entry \(sequence) is missing: it was deleted, or the entries after it were renumbered"
            case .changed(let sequence):
                "entry \(sequence) was changed: its contents no longer match the leaf hash recorded when it was appended (edited, inserted or moved)"
            case .unrecorded(let sequence):
                "entry \(sequence) has no recorded leaf hash: it was inserted outside Vigil"
            case .headMismatch(let size, let lastMatchingSize):
                "entries \(lastMatchingSize + 1) to \(size) do not match the head signed at size \(size): they were rewritten together with their leaf hashes"
            case .truncated(let entries, let size):
                "the log ends at entry \(entries) but a head was signed at size \(size): entries \(entries + 1) to \(size) were removed"
            }
        }
    }

    /// The outcome of a verification.
    public struct Report: Sendable, Equatable {
        /// Entries read.
        public let entries: Int64
        /// Signed heads whose root was recomputed and matched.
        public let headsMatched: Int
        /// The first divergence, or `nil` when the log is intact.
        public let problem: Problem?
    }

    /// How long after its retirement a key's heads are still accepted, in milliseconds: a signer
    /// that read the key just before a rotation, or whose clock runs ahead of the machine that
    /// rotated, signs one more head with it.
    public static let retirementGrace: Int64 = 300_000

    private let heads: [SignedTreeHead]
    private var nextHead = 0
    private var frontier = MerkleFrontier()
    private var lastMatchingSize: Int64 = 0
    private var problem: Problem?

    /// Prepares a verification against `heads`, whose signatures are checked with `keys` first.
    /// - Parameters:
    ///   - heads: Every signed head.
    ///   - keys: The keys to trust.
    ///   - retirements: When each retired key (by ID) was retired, in milliseconds since 1970; a
    ///     head signed with it more than ``retirementGrace`` after that time is refused.
    public init(heads: [SignedTreeHead], keys: [Ed25519PublicKey], retirements: [String: Int64] = [:]) {
        self.heads = heads.sorted { $0.treeSize < $1.treeSize }
        let keysByID = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        problem = self.heads.lazy.compactMap { head -> Problem? in
            guard let key = keysByID[head.keyID], head.isSigned(by: key) else {
                return .badSignature(treeSize: head.treeSize, keyID: head.keyID)
            }
            if let retired = retirements[head.keyID], head.timestamp > retired + Self.retirementGrace {
                return .retiredKey(treeSize: head.treeSize, keyID: head.keyID)
            }
            return nil
        }.first
    }

    /// Notes that the entries stop before the log's last sequence: the next one is missing.
    public mutating func noteGap() {
        if problem == nil { problem = .missing(sequence: frontier.size + 1) }
    }

    /// Checks the next entry.
    /// - Parameters:
    ///   - sequence: Its stored sequence number.
    ///   - leaf: The leaf hash recomputed from its stored columns.
    ///   - storedLeaf: The leaf hash stored when it was appended.
    /// - Returns: `false` once the log has diverged; stop reading then.
    public mutating func check(sequence: Int64, leaf: MerkleHash, storedLeaf: MerkleHash?) -> Bool {
        guard problem == nil else { return false }
        let expected = frontier.size + 1
        if sequence != expected {
            problem = .missing(sequence: expected)
        } else if let storedLeaf {
            if storedLeaf != leaf { problem = .changed(sequence: sequence) }
        } else {
            problem = .unrecorded(sequence: sequence)
        }
        guard problem == nil else { return false }
        frontier.append(leaf)
        while nextHead < heads.count, heads[nextHead].treeSize <= frontier.size {
            guard heads[nextHead].treeSize == frontier.size, heads[nextHead].rootHash == frontier.root else {
                problem = .headMismatch(treeSize: frontier.size, lastMatchingSize: lastMatchingSize)
                return false
            }
            lastMatchingSize = frontier.size
            nextHead += 1
        }
        return true
    }

    /// Ends the verification after the last entry.
    public func finish() -> Report {
        var problem = self.problem
        if problem == nil, let last = heads.last, last.treeSize > frontier.size {
            problem = .truncated(entries: frontier.size, treeSize: last.treeSize)
        }
        return Report(entries: frontier.size, headsMatched: nextHead, problem: problem)
    }
}
