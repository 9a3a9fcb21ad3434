import Foundation

/// Evidence an auditor can check offline with only the ledger's public key: a signed head,
/// entries with their inclusion proofs, optionally an earlier head with the proof that the log
/// only grew since, and optionally the export the entries back (`docs/ledger.md`).
public struct ProofBundle: Codable, Sendable, Equatable {
    /// The bundle format's name and version.
    public static let currentFormat = "vigil-ledger-proof/1"

    /// One proven entry.
    public struct Entry: Codable, Sendable, Equatable {
        /// The entry's sequence number (its leaf index plus one).
        public let sequence: Int64
        /// The canonical entry bytes.
        public let entry: Data
        /// The inclusion proof in ``ProofBundle/head``, from the leaf's sibling up.
        public let auditPath: [MerkleHash]

        /// Describes a proven entry.
        public init(sequence: Int64, entry: Data, auditPath: [MerkleHash]) {
            self.sequence = sequence
            self.entry = entry
            self.auditPath = auditPath
        }
    }

    /// Exported records backed by the proven entries.
    public struct Export: Codable, Sendable, Equatable {
        /// `application/fhir+ndjson` or `text/csv`.
        public let mediaType: String
        /// The exported text.
        public let content: String

        /// Describes an export.
        public init(mediaType: String, content: String) {
            self.mediaType = mediaType
            self.content = content
        }
    }

    /// ``currentFormat``.
    public let format: String
    /// The head the proofs lead to.
    public let head: SignedTreeHead
    /// The proven entries.
    public let entries: [Entry]
    /// An earlier head that ``head`` extends, if the bundle proves consistency.
    public let earlierHead: SignedTreeHead?
    /// The consistency proof from ``earlierHead`` to ``head``.
    public let consistencyPath: [MerkleHash]?
    /// The export the entries back, if any.
    public let export: Export?

    /// Assembles a bundle.
    public init(
        head: SignedTreeHead, entries: [Entry], earlierHead: SignedTreeHead? = nil,
        consistencyPath: [MerkleHash]? = nil, export: Export? = nil
    ) {
        self.format = Self.currentFormat
        self.head = head
        self.entries = entries
        self.earlierHead = earlierHead
        self.consistencyPath = consistencyPath
        self.export = export
    }

    /// Why a bundle does not verify.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        /// What failed, for the auditor.
        public let description: String
    }

    /// What a bundle proved.
    public struct Verified: Sendable, Equatable {
        /// The head, whose signature checked out.
        public let head: SignedTreeHead
        /// The proven entries, decoded.
        public let events: [AuditEvent]
        /// The earlier head proven to be a prefix of ``head``, if any.
        public let earlierHead: SignedTreeHead?
        /// How many exported records were matched to proven entries.
        public let exportedRecords: Int
    }

    /// Verifies everything in the bundle with the public key alone.
    /// - Parameter key: The ledger's public key, obtained out of band.
    /// - Throws: ``Failure`` naming the first thing that does not verify.
    public func verify(with key: Ed25519PublicKey) throws -> Verified {
        try verify(with: [key])
    }

    /// Verifies everything in the bundle with the ledger's public keys alone; each head names the
    /// key that signed it (after a rotation, an earlier head may name an older key).
    /// - Parameter keys: The ledger's public keys, obtained out of band.
    /// - Throws: ``Failure`` naming the first thing that does not verify.
    public func verify(with keys: [Ed25519PublicKey]) throws -> Verified {
        guard format == Self.currentFormat else { throw Failure(description: "unknown bundle format \(format)") }
        try Self.checkSignature(of: head, named: "head", keys: keys)
        var events: [AuditEvent] = []
        for entry in entries {
            guard entry.sequence >= 1 else { throw Failure(description: "entry \(entry.sequence) is not a sequence number") }
            let leaf = MerkleHash.leaf(entry.entry)
            guard
                MerkleProof.verifyInclusion(
                    leaf: leaf, index: entry.sequence - 1, size: head.treeSize, path: entry.auditPath, root: head.rootHash)
            else {
                throw Failure(description: "entry \(entry.sequence) is not in the signed log of size \(head.treeSize)")
            }
            // The decoded event must write back to exactly the proven bytes, so that what is shown
            // is what is proven.
            let bytes = [UInt8](entry.entry)
            guard let event = AuditEvent(ledgerEntry: bytes), event.sequence == entry.sequence, event.ledgerEntry == bytes
            else {
                throw Failure(description: "entry \(entry.sequence) is not a well-formed ledger entry")
            }
            events.append(event)
        }
        if let earlierHead {
            try Self.checkSignature(of: earlierHead, named: "earlier head", keys: keys)
            guard
                MerkleProof.verifyConsistency(
                    oldSize: earlierHead.treeSize, newSize: head.treeSize, oldRoot: earlierHead.rootHash,
                    newRoot: head.rootHash, path: consistencyPath ?? [])
            else {
                throw Failure(
                    description: "the log of size \(head.treeSize) does not extend the log of size \(earlierHead.treeSize)")
            }
        }
        let exported = try export.map { try $0.checkRecords(against: events) } ?? 0
        return Verified(head: head, events: events, earlierHead: earlierHead, exportedRecords: exported)
    }
}

extension ProofBundle {
    static func checkSignature(of head: SignedTreeHead, named name: String, keys: [Ed25519PublicKey]) throws {
        guard let key = keys.first(where: { $0.id == head.keyID }) else {
            throw Failure(description: "the \(name) of size \(head.treeSize) names key \(head.keyID), which is not among the keys given")
        }
        guard head.isSigned(by: key) else {
            throw Failure(description: "the \(name) of size \(head.treeSize) is not signed by key \(key.id)")
        }
    }
}

extension ProofBundle.Export {
    /// Checks that the export says exactly what the proven entries say: it must equal their
    /// rendering in its format, record by record.
    /// - Returns: The number of records.
    func checkRecords(against events: [AuditEvent]) throws -> Int {
        guard let format = AuditExport.Format(mediaType: mediaType) else {
            throw ProofBundle.Failure(description: "unknown export media type \(mediaType)")
        }
        let expected = AuditExport.records(events.sorted { $0.sequence < $1.sequence }, as: format)
        var rest = Substring(content)
        for (index, record) in expected.enumerated() {
            guard rest.utf8.starts(with: record.utf8) else {
                throw ProofBundle.Failure(description: "exported record \(index + 1) does not match the proven entries")
            }
            rest = rest[rest.utf8.index(rest.startIndex, offsetBy: record.utf8.count)...]
        }
        guard rest.isEmpty else {
            throw ProofBundle.Failure(description: "the export has records beyond the proven entries")
        }
        return events.count
    }
}
