import Crypto
import Foundation

/// A verifier of Vigil's audit ledger written from `docs/ledger.md` and the RFCs it cites alone.
///
/// It shares no code with the production ledger, so tests can check the production entry bytes,
/// hashes, proofs and signatures against a second, independent reading of the specification.
public enum IndependentLedgerVerifier {
    /// The columns of one entry, as in the table of docs/ledger.md (text fields optional).
    public struct Columns: Sendable {
        public var sequence: UInt64
        public var occurredAtMilliseconds: Int64
        public var id, actorKind, actorID, actorTokenID, action, targetType, targetID, outcome: String?
        public var reason, sourceAddress, requestID, phiPatientID, phiDeviceID, phiPurpose, phiPlace: String?

        /// Columns with the given values; the PHI columns are absent unless given.
        public init(
            sequence: UInt64, occurredAtMilliseconds: Int64, id: String?, actorKind: String?, actorID: String?,
            actorTokenID: String?, action: String?, targetType: String?, targetID: String?, outcome: String?,
            reason: String?, sourceAddress: String?, requestID: String?, phiPatientID: String? = nil,
            phiDeviceID: String? = nil, phiPurpose: String? = nil, phiPlace: String? = nil
        ) {
            self.sequence = sequence
            self.occurredAtMilliseconds = occurredAtMilliseconds
            self.id = id
            self.actorKind = actorKind
            self.actorID = actorID
            self.actorTokenID = actorTokenID
            self.action = action
            self.targetType = targetType
            self.targetID = targetID
            self.outcome = outcome
            self.reason = reason
            self.sourceAddress = sourceAddress
            self.requestID = requestID
            self.phiPatientID = phiPatientID
            self.phiDeviceID = phiDeviceID
            self.phiPurpose = phiPurpose
            self.phiPlace = phiPlace
        }
    }

    /// What a bundle check found wrong.
    public struct Failure: Error, CustomStringConvertible {
        /// Which part of the bundle failed, and how.
        public let description: String

        init(_ description: String) { self.description = description }
    }

    /// The canonical entry bytes (format version 1).
    public static func entryBytes(_ columns: Columns) -> [UInt8] {
        var bytes: [UInt8] = [0x01]
        bytes += bigEndian(columns.sequence)
        bytes += bigEndian(UInt64(bitPattern: columns.occurredAtMilliseconds))
        let texts = [
            columns.id, columns.actorKind, columns.actorID, columns.actorTokenID, columns.action, columns.targetType,
            columns.targetID, columns.outcome, columns.reason, columns.sourceAddress, columns.requestID,
            columns.phiPatientID, columns.phiDeviceID, columns.phiPurpose, columns.phiPlace,
        ]
        for text in texts {
            guard let text else {
                bytes += [0xFF, 0xFF, 0xFF, 0xFF]
                continue
            }
            bytes += bigEndian(UInt32(text.utf8.count))
            bytes += Array(text.utf8)
        }
        return bytes
    }

    /// SHA-256(`0x00` ‖ entry bytes).
    public static func leafHash(entry: [UInt8]) -> [UInt8] { sha256([0x00], entry) }

    /// SHA-256(`0x01` ‖ left ‖ right).
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { sha256([0x01], left, right) }

    /// MTH over leaf hashes (recursive, straight from RFC 6962 §2.1); empty = SHA-256 of nothing.
    public static func root(leafHashes: [[UInt8]]) -> [UInt8] {
        leafHashes.isEmpty ? sha256() : mth(leafHashes[...])
    }

    /// RFC 9162 §2.1.3.2.
    public static func verifyInclusion(
        leafHash: [UInt8], index: UInt64, treeSize: UInt64, path: [[UInt8]], root: [UInt8]
    ) -> Bool {
        guard index < treeSize else { return false }
        var fn = index, sn = treeSize - 1, r = leafHash
        for p in path {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                while fn & 1 == 0 && fn != 0 { (fn, sn) = (fn >> 1, sn >> 1) }
            } else {
                r = nodeHash(r, p)
            }
            (fn, sn) = (fn >> 1, sn >> 1)
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2, for 0 < `oldSize` < `newSize`; equal sizes verify with an empty path and equal roots.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8], path: [[UInt8]]
    ) -> Bool {
        guard oldSize > 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return path.isEmpty && oldRoot == newRoot }
        guard !path.isEmpty else { return false }
        let proof = oldSize & (oldSize - 1) == 0 ? [oldRoot] + path : path
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { (fn, sn) = (fn >> 1, sn >> 1) }
        var fr = proof[0], sr = proof[0]
        for c in proof.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                (fr, sr) = (nodeHash(c, fr), nodeHash(c, sr))
                while fn & 1 == 0 && fn != 0 { (fn, sn) = (fn >> 1, sn >> 1) }
            } else {
                sr = nodeHash(sr, c)
            }
            (fn, sn) = (fn >> 1, sn >> 1)
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }

    /// Simple reference generation straight from RFC 6962 §2.1.1 PATH, recursive, for cross-checking production
    /// proofs.
    public static func inclusionPath(index: Int, leafHashes: [[UInt8]]) -> [[UInt8]] {
        precondition(leafHashes.indices.contains(index), "leaf index out of range")
        return path(index, leafHashes[...])
    }

    /// Simple reference generation straight from RFC 6962 §2.1.2 PROOF/SUBPROOF, recursive, for cross-checking
    /// production proofs; 0 < `oldSize` ≤ the number of leaves.
    public static func consistencyPath(oldSize: Int, leafHashes: [[UInt8]]) -> [[UInt8]] {
        precondition(oldSize > 0 && oldSize <= leafHashes.count, "old size out of range")
        return subproof(oldSize, leafHashes[...], complete: true)
    }

    /// The checkpoint text bytes of docs/ledger.md.
    public static func checkpoint(
        origin: String, treeSize: UInt64, root: [UInt8], timestampMilliseconds: Int64
    ) -> [UInt8] {
        Array("\(origin)\n\(treeSize)\n\(Data(root).base64EncodedString())\ntimestamp \(timestampMilliseconds)\n".utf8)
    }

    /// The first 8 bytes of SHA-256(the raw public key), in lowercase hex.
    public static func keyID(publicKey: [UInt8]) -> String {
        sha256(publicKey).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a whole proof bundle (JSON as in docs/ledger.md): the head's signature with the key (and that key_id
    /// names it), each entry's inclusion (and that its bytes carry its sequence), earlier_head's signature and
    /// consistency if present, and that every record of `export` names a proven sequence (NDJSON: each line's
    /// extension urn:vigil:ledger-sequence valueString; CSV: the `sequence` column of the header).
    /// Returns the verified entry sequences; throws a ``Failure`` naming what failed.
    public static func verifyBundle(_ json: Data, publicKey: [UInt8]) throws -> [UInt64] {
        guard let bundle = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw Failure("the bundle is not a JSON object")
        }
        guard bundle["format"] as? String == "vigil-ledger-proof/1" else {
            throw Failure("format is not vigil-ledger-proof/1")
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw Failure("the public key is not a raw Ed25519 key")
        }
        let head = try verifiedHead(bundle["head"], "head", key: key, keyID: keyID(publicKey: publicKey))
        let entries = try list(present(bundle["entries"]) ?? [Any](), "entries")
        let sequences = try entries.enumerated().map { try verifiedEntry($1, "entries[\($0)]", in: head) }
        if let value = present(bundle["earlierHead"]) {
            let earlier = try verifiedHead(value, "earlierHead", key: key, keyID: keyID(publicKey: publicKey))
            guard earlier.origin == head.origin else { throw Failure("earlier_head.origin differs from head.origin") }
            let path = try hashes(bundle["consistencyPath"], "consistencyPath")
            guard
                verifyConsistency(
                    oldSize: earlier.size, newSize: head.size, oldRoot: earlier.root, newRoot: head.root, path: path)
            else { throw Failure("consistency from size \(earlier.size) to size \(head.size) does not verify") }
        } else if present(bundle["consistencyPath"]) != nil {
            throw Failure("consistency_path without earlier_head")
        }
        if let export = present(bundle["export"]) { try verifyExport(export, proven: Set(sequences)) }
        return sequences
    }

    private struct Head {
        let origin: String
        let size: UInt64
        let root: [UInt8]
    }

    /// The head in `value` after checking its key ID and its signature over the checkpoint.
    private static func verifiedHead(
        _ value: Any?, _ name: String, key: Curve25519.Signing.PublicKey, keyID: String
    ) throws -> Head {
        guard let head = value as? [String: Any] else { throw Failure("\(name) is missing or not an object") }
        guard let origin = head["origin"] as? String else { throw Failure("\(name).origin is not a string") }
        guard let size = head["treeSize"] as? UInt64 else { throw Failure("\(name).treeSize is not a count") }
        guard let timestamp = head["timestamp"] as? Int64 else { throw Failure("\(name).timestamp is not an integer") }
        let root = try base64(head["rootHash"], "\(name).rootHash")
        guard head["keyID"] as? String == keyID else { throw Failure("\(name).keyID is not \(keyID)") }
        let signature = try base64(head["signature"], "\(name).signature")
        let text = checkpoint(origin: origin, treeSize: size, root: root, timestampMilliseconds: timestamp)
        guard key.isValidSignature(signature, for: text) else { throw Failure("\(name).signature does not verify") }
        return Head(origin: origin, size: size, root: root)
    }

    /// The sequence of the entry in `value` after checking that its bytes carry it and are included in `head`.
    private static func verifiedEntry(_ value: Any, _ name: String, in head: Head) throws -> UInt64 {
        guard let entry = value as? [String: Any] else { throw Failure("\(name) is not an object") }
        guard let sequence = entry["sequence"] as? UInt64, sequence > 0 else {
            throw Failure("\(name).sequence is not a positive integer")
        }
        let bytes = try base64(entry["entry"], "\(name).entry")
        guard bytes.count >= 9, bytes[0] == 0x01, bytes[1..<9].reduce(0, { $0 << 8 | UInt64($1) }) == sequence else {
            throw Failure("\(name).entry is not format-1 bytes of sequence \(sequence)")
        }
        let path = try hashes(entry["auditPath"], "\(name).auditPath")
        let leaf = leafHash(entry: bytes), index = sequence - 1
        guard verifyInclusion(leafHash: leaf, index: index, treeSize: head.size, path: path, root: head.root) else {
            throw Failure("\(name): inclusion of sequence \(sequence) in the head of size \(head.size) does not verify")
        }
        return sequence
    }

    /// Checks that every record of the export names a proven sequence.
    private static func verifyExport(_ value: Any, proven: Set<UInt64>) throws {
        guard let export = value as? [String: Any], let mediaType = export["mediaType"] as? String,
            let content = export["content"] as? String
        else { throw Failure("export needs a media_type and a content string") }
        let named: [String]
        if mediaType.contains("ndjson") {
            named = try content.split(separator: "\n").enumerated().map { line, text in
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                let extensions = object?["extension"] as? [[String: Any]] ?? []
                let sequence = extensions.first { $0["url"] as? String == "urn:vigil:ledger-sequence" }?["valueString"]
                guard let sequence = sequence as? String else {
                    throw Failure("export line \(line + 1) has no urn:vigil:ledger-sequence valueString")
                }
                return sequence
            }
        } else if mediaType.hasPrefix("text/csv") {
            let rows = csvRows(content)
            guard let column = rows.first?.firstIndex(of: "sequence") else {
                throw Failure("export CSV has no sequence column")
            }
            named = rows.dropFirst().map { column < $0.count ? $0[column] : "" }
        } else {
            throw Failure("export media_type \(mediaType) is neither NDJSON nor CSV")
        }
        for (record, sequence) in named.enumerated() where !(UInt64(sequence).map(proven.contains) ?? false) {
            throw Failure("export record \(record + 1) names sequence \"\(sequence)\", which no entry proves")
        }
    }

    /// The rows of RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
    private static func csvRows(_ content: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = String.UnicodeScalarView(), quoted = false
        var scalars = content.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            switch scalar {
            case "\"" where quoted && next == "\"": field.append(scalar); next = scalars.next()
            case "\"": quoted.toggle()
            case _ where quoted: field.append(scalar)
            case ",": row.append(String(field)); field = .init()
            case "\n": row.append(String(field)); rows.append(row); (row, field) = ([], .init())
            case "\r": break
            default: field.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [String(field)]) }
        return rows
    }

    private static func present(_ value: Any?) -> Any? { value is NSNull ? nil : value }

    private static func list(_ value: Any?, _ name: String) throws -> [Any] {
        guard let list = value as? [Any] else { throw Failure("\(name) is missing or not an array") }
        return list
    }

    private static func hashes(_ value: Any?, _ name: String) throws -> [[UInt8]] {
        try list(value, name).map { try base64($0, name) }
    }

    private static func base64(_ value: Any?, _ name: String) throws -> [UInt8] {
        guard let text = value as? String, let data = Data(base64Encoded: text) else {
            throw Failure("\(name) is not base64")
        }
        return Array(data)
    }

    private static func mth(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        guard leaves.count > 1 else { return leaves[leaves.startIndex] }
        let k = split(leaves.count)
        return nodeHash(mth(leaves.prefix(k)), mth(leaves.dropFirst(k)))
    }

    private static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        return m < k
            ? path(m, leaves.prefix(k)) + [mth(leaves.dropFirst(k))]
            : path(m - k, leaves.dropFirst(k)) + [mth(leaves.prefix(k))]
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, complete: Bool) -> [[UInt8]] {
        if m == leaves.count { return complete ? [] : [mth(leaves)] }
        let k = split(leaves.count)
        return m <= k
            ? subproof(m, leaves.prefix(k), complete: complete) + [mth(leaves.dropFirst(k))]
            : subproof(m - k, leaves.dropFirst(k), complete: false) + [mth(leaves.prefix(k))]
    }

    /// The largest power of two smaller than `n` (n > 1).
    private static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    private static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return Array(hasher.finalize())
    }

    private static func bigEndian(_ value: some FixedWidthInteger) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
