import Foundation
import VigilCore

extension AuditEvent {
    /// Rebuilds an event from its stored columns, in ``Columns/auditEvent`` order.
    init(storedRow row: some StoredRow) throws {
        var phi: PHIAccessDetails?
        if let patientID = try row.optionalText(13) {
            phi = PHIAccessDetails(
                patientID: patientID, deviceID: try row.optionalText(14),
                purpose: try row.enumeration(15, column: "audit_events.phi_purpose"),
                place: try row.enumeration(16, column: "audit_events.phi_place"))
        }
        let target = try row.optionalText(7).flatMap { type in try row.optionalText(8).map { AuditTarget(type: type, id: $0) } }
        let draft = AuditEventDraft(
            id: try row.identifier(1), occurredAt: try row.date(2),
            actor: AuditActor(
                kind: try row.enumeration(3, column: "audit_events.actor_kind"), id: try row.optionalText(4),
                tokenID: try row.optionalText(5)),
            action: AuditAction(rawValue: try row.text(6)), target: target,
            outcome: try row.enumeration(9, column: "audit_events.outcome"), reason: try row.optionalText(10),
            sourceAddress: try row.optionalText(11), requestID: try row.optionalText(12), phi: phi)
        self.init(draft, sequence: try row.integer(0))
    }
}

/// One entry as read for verification: its sequence, the leaf hash recomputed from its columns,
/// and the leaf hash stored when it was appended.
public struct LedgerLeafCheck: Sendable, Equatable {
    /// The stored sequence number.
    public let sequence: Int64
    /// SHA-256(0x00 ‖ entry bytes rebuilt from the stored columns).
    public let recomputed: MerkleHash
    /// The leaf hash recorded at append time; `nil` when the row has none.
    public let stored: MerkleHash?

    init(sequence: Int64, recomputed: MerkleHash, stored: MerkleHash?) {
        self.sequence = sequence
        self.recomputed = recomputed
        self.stored = stored
    }

    /// Reads a row of ``LedgerSQL/entryColumns``, reusing `buffer` for the entry bytes.
    init(storedRow row: some StoredRow, buffer: inout [UInt8]) throws {
        sequence = try row.integer(0)
        let storage = buffer
        buffer = []
        var writer = LedgerEntryWriter(
            sequence: sequence, occurredAtMilliseconds: try row.integer(1), reusing: consume storage)
        for column in 2..<(2 + LedgerEntryWriter.textFieldCount) {
            try row.withOptionalBytes(column) { writer.text(utf8: $0) }
        }
        recomputed = writer.leafHash
        buffer = writer.bytes
        stored = try row.optionalBlob(17).flatMap { MerkleHash(bytes: $0) }
    }
}

/// A signed head as stored, with the frontier that lets the signer continue from it.
public struct StoredTreeHead: Sendable, Equatable {
    /// The head.
    public let head: SignedTreeHead
    /// The tree's frontier at the head's size.
    public let frontier: MerkleFrontier

    /// Pairs a head with its frontier.
    public init(head: SignedTreeHead, frontier: MerkleFrontier) {
        self.head = head
        self.frontier = frontier
    }

    /// Reads a row of ``LedgerSQL/headColumns``.
    init(storedRow row: some StoredRow) throws {
        let size = try row.integer(0)
        guard let root = try row.optionalBlob(1).flatMap({ MerkleHash(bytes: $0) }),
            let signature = try row.optionalBlob(4), let frontierBytes = try row.optionalBlob(5),
            frontierBytes.count % 32 == 0
        else { throw StoreError.corruptRecord("ledger_heads row \(size) is malformed") }
        let subtrees = stride(from: 0, to: frontierBytes.count, by: 32).compactMap {
            MerkleHash(bytes: frontierBytes[frontierBytes.startIndex + $0..<frontierBytes.startIndex + $0 + 32])
        }
        guard let frontier = MerkleFrontier(size: size, subtrees: subtrees) else {
            throw StoreError.corruptRecord("ledger_heads row \(size) has a frontier of the wrong shape")
        }
        self.init(
            head: SignedTreeHead(
                origin: SignedTreeHead.ledgerOrigin, treeSize: size, rootHash: root, timestamp: try row.integer(2),
                keyID: try row.text(3), signature: signature),
            frontier: frontier)
    }
}

extension SigningKeyRecord {
    /// Reads a row of ``LedgerSQL/keys``.
    init(storedRow row: some StoredRow) throws {
        guard let raw = try row.optionalBlob(1), let key = try? Ed25519PublicKey(rawRepresentation: raw),
            key.id == (try row.text(0))
        else { throw StoreError.corruptRecord("ledger_keys row \(try row.text(0)) is not its Ed25519 key") }
        self.init(
            publicKey: key, createdAt: try row.date(2),
            retiredAt: try row.optionalInteger(3).map(Date.init(millisecondsSince1970:)))
    }
}

/// Reading stored leaf hashes for proofs and signing.
enum LedgerLeaves {
    /// Reads a row of ``LedgerSQL/leafHashes(after:through:)``.
    @Sendable static func read(_ row: some StoredRow) throws -> (Int64, MerkleHash?) {
        (try row.integer(0), try row.optionalBlob(1).flatMap { MerkleHash(bytes: $0) })
    }

    /// The hashes, checked to be every entry of the range, in order.
    static func contiguous(_ rows: [(Int64, MerkleHash?)], after sequence: Int64, through last: Int64) throws
        -> [MerkleHash]
    {
        var expected = sequence + 1
        var hashes: [MerkleHash] = []
        hashes.reserveCapacity(rows.count)
        for (rowSequence, hash) in rows {
            guard rowSequence == expected, let hash else {
                throw StoreError.corruptRecord("ledger entry \(expected) is missing or has no leaf hash")
            }
            hashes.append(hash)
            expected += 1
        }
        guard expected == max(last, sequence) + 1 else {
            throw StoreError.corruptRecord("ledger entry \(expected) is missing or has no leaf hash")
        }
        return hashes
    }
}
