import Foundation

/// The canonical bytes of a ledger entry, format version 1 (`docs/ledger.md`): a version byte, the
/// sequence and time as 8-byte big-endian integers, then fifteen text fields, each a 4-byte
/// big-endian length and UTF-8 bytes, with `0xFFFFFFFF` for an absent value.
public struct LedgerEntryWriter: Sendable {
    /// The format version, the first byte of every entry.
    public static let formatVersion: UInt8 = 1
    /// How many text fields follow the sequence and time.
    public static let textFieldCount = 15
    static let absentLength: UInt32 = 0xFFFF_FFFF

    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Starts an entry, reusing `buffer`'s storage when given.
    /// - Parameters:
    ///   - sequence: The entry's sequence number, from 1.
    ///   - occurredAtMilliseconds: When the event happened, in milliseconds since 1970.
    ///   - buffer: Storage to reuse (its contents are discarded).
    public init(sequence: Int64, occurredAtMilliseconds: Int64, reusing buffer: [UInt8] = []) {
        bytes = buffer
        bytes.removeAll(keepingCapacity: true)
        bytes.append(Self.formatVersion)
        append(UInt64(bitPattern: sequence))
        append(UInt64(bitPattern: occurredAtMilliseconds))
    }

    /// Appends a text field.
    public mutating func text(_ value: String?) {
        guard var value else { return append(Self.absentLength) }
        value.withUTF8 { text(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Appends a text field from its UTF-8 bytes, or an absent one for `nil`, such as a column
    /// read straight from the database.
    public mutating func text(utf8: UnsafeRawBufferPointer?) {
        guard let utf8 else { return append(Self.absentLength) }
        append(UInt32(utf8.count))
        // Typed, so that the append copies the block at once rather than byte by byte.
        bytes.append(contentsOf: utf8.assumingMemoryBound(to: UInt8.self))
    }

    /// The leaf hash of the bytes written.
    public var leafHash: MerkleHash { MerkleHash.leaf(bytes) }

    private mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

extension AuditEvent {
    /// The event's text fields in ledger order (`docs/ledger.md`, fields 4 to 18).
    public var ledgerTextFields: [String?] {
        var fields: [String?] = []
        fields.reserveCapacity(LedgerEntryWriter.textFieldCount)
        forEachLedgerTextField { fields.append($0) }
        return fields
    }

    /// Calls `body` with each text field in ledger order, without collecting them.
    @inlinable
    public func forEachLedgerTextField(_ body: (String?) throws -> Void) rethrows {
        try body(id.rawValue)
        try body(actor.kind.rawValue)
        try body(actor.id)
        try body(actor.tokenID)
        try body(action.rawValue)
        try body(target?.type)
        try body(target?.id)
        try body(outcome.rawValue)
        try body(reason)
        try body(sourceAddress)
        try body(requestID)
        try body(phi?.patientID)
        try body(phi?.deviceID)
        try body(phi?.purpose.rawValue)
        try body(phi?.place.rawValue)
    }

    /// Writes the event's canonical ledger entry bytes, reusing `buffer`'s storage.
    /// - Returns: The writer, holding the bytes and their leaf hash.
    public func ledgerEntryWriter(reusing buffer: [UInt8] = []) -> LedgerEntryWriter {
        var writer = LedgerEntryWriter(
            sequence: sequence, occurredAtMilliseconds: occurredAt.millisecondsSince1970, reusing: buffer)
        forEachLedgerTextField { writer.text($0) }
        return writer
    }

    /// The event's canonical ledger entry bytes.
    public var ledgerEntry: [UInt8] { ledgerEntryWriter().bytes }

    /// The event's leaf hash in the ledger's Merkle tree.
    public var leafHash: MerkleHash { MerkleHash.leaf(ledgerEntry) }

    /// Reads an event back from its canonical entry bytes, as an auditor's tool would.
    /// - Parameter entry: Bytes as written by ``ledgerEntry``.
    /// - Returns: The event, or `nil` when the bytes are not a version 1 entry of a known shape.
    public init?(ledgerEntry entry: [UInt8]) {
        var reader = LedgerEntryReader(entry)
        guard reader.byte() == LedgerEntryWriter.formatVersion, let sequence = reader.integer(),
            let milliseconds = reader.integer()
        else { return nil }
        var fields: [String?] = []
        for _ in 0..<LedgerEntryWriter.textFieldCount {
            guard let field = reader.text() else { return nil }
            fields.append(field)
        }
        guard reader.isAtEnd, let id = fields[0], let kindText = fields[1], let kind = AuditActor.Kind(rawValue: kindText),
            let action = fields[4], let outcomeText = fields[7], let outcome = AuditOutcome(rawValue: outcomeText)
        else { return nil }
        let target = fields[5].flatMap { type in fields[6].map { AuditTarget(type: type, id: $0) } }
        var phi: PHIAccessDetails?
        if let patientID = fields[11] {
            guard let purpose = fields[13].flatMap(PurposeOfUse.init(rawValue:)),
                let place = fields[14].flatMap(PlaceState.init(rawValue:))
            else { return nil }
            phi = PHIAccessDetails(patientID: patientID, deviceID: fields[12], purpose: purpose, place: place)
        }
        let draft = AuditEventDraft(
            id: AuditEventID(rawValue: id), occurredAt: Date(millisecondsSince1970: Int64(bitPattern: milliseconds)),
            actor: AuditActor(kind: kind, id: fields[2], tokenID: fields[3]), action: AuditAction(rawValue: action),
            target: target, outcome: outcome, reason: fields[8], sourceAddress: fields[9], requestID: fields[10], phi: phi)
        self.init(draft, sequence: Int64(bitPattern: sequence))
    }
}

/// Reads the fields of entry bytes in order.
private struct LedgerEntryReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func integer() -> UInt64? { bigEndian(width: 8) }

    /// A text field: `.some(nil)` when absent, `nil` when the bytes are malformed.
    mutating func text() -> String?? {
        guard let length = bigEndian(width: 4) else { return nil }
        if length == UInt64(LedgerEntryWriter.absentLength) { return .some(nil) }
        guard length <= UInt64(bytes.count - offset) else { return nil }
        let end = offset + Int(length)
        defer { offset = end }
        guard let text = String(validating: bytes[offset..<end], as: UTF8.self) else { return nil }
        return .some(text)
    }

    private mutating func bigEndian(width: Int) -> UInt64? {
        guard bytes.count - offset >= width else { return nil }
        var value: UInt64 = 0
        for byte in bytes[offset..<offset + width] { value = value << 8 | UInt64(byte) }
        offset += width
        return value
    }
}
