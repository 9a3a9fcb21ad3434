import Crypto
import Foundation

/// A SHA-256 hash in the ledger's Merkle tree: a leaf, a node or a root (RFC 6962 §2.1).
///
/// Thirty-two bytes held inline, so that building a tree of millions of leaves allocates nothing
/// per hash.
public struct MerkleHash: Hashable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// The hash with these 32 bytes, or `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        words = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            let copied: Void? = bytes.withContiguousStorageIfAvailable { target.copyMemory(from: UnsafeRawBufferPointer($0)) }
            if copied == nil {
                for (offset, byte) in bytes.enumerated() { target[offset] = byte }
            }
        }
    }

    /// The hash with these base64 (standard, padded) bytes, or `nil` if they are not 32 bytes.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64) else { return nil }
        self.init(bytes: data)
    }

    init(_ digest: SHA256Digest) {
        words = (0, 0, 0, 0)
        digest.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { Swift.withUnsafeBytes(of: words) { Array($0) } }

    /// Standard base64 with padding, as in checkpoints and proof bundles.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Lowercase hex.
    public var hex: String { SHA256Hex.hex(bytes) }

    /// Runs `body` with the 32 bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    public static func == (lhs: MerkleHash, rhs: MerkleHash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyTree = MerkleHash(SHA256.hash(data: [UInt8]()))

    private static let leafPrefix: [UInt8] = [0]
    private static let nodePrefix: [UInt8] = [1]

    /// A leaf's hash: SHA-256(0x00 ‖ entry bytes).
    public static func leaf(_ entry: some ContiguousBytes) -> MerkleHash {
        var hasher = SHA256()
        Self.leafPrefix.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        entry.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return MerkleHash(hasher.finalize())
    }

    /// An inner node's hash: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        Self.nodePrefix.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return MerkleHash(hasher.finalize())
    }
}

extension MerkleHash: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let hash = MerkleHash(base64: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a Merkle hash is 32 bytes in standard base64")
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(base64)
    }
}

extension MerkleHash: CustomStringConvertible {
    public var description: String { hex }
}
