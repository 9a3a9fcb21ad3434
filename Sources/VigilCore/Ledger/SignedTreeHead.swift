import Crypto
import Foundation

/// A signed checkpoint of the ledger: its size, its Merkle root and the time, signed with an
/// Ed25519 key (`docs/ledger.md`).
public struct SignedTreeHead: Codable, Sendable, Equatable {
    /// The log's name, the checkpoint's first line.
    public static let ledgerOrigin = "vigil-ledger"

    /// The log's name.
    public let origin: String
    /// The number of entries covered.
    public let treeSize: Int64
    /// The Merkle root of those entries.
    public let rootHash: MerkleHash
    /// When it was signed, in milliseconds since 1970.
    public let timestamp: Int64
    /// The signing key's ID.
    public let keyID: String
    /// The Ed25519 signature over ``checkpoint``.
    public let signature: Data

    /// Restores a stored or received head.
    public init(origin: String, treeSize: Int64, rootHash: MerkleHash, timestamp: Int64, keyID: String, signature: Data) {
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
        self.keyID = keyID
        self.signature = signature
    }

    /// Signs a head.
    /// - Parameters:
    ///   - treeSize: The entries covered.
    ///   - rootHash: Their Merkle root.
    ///   - time: The signing time.
    ///   - key: The signing key.
    public init(treeSize: Int64, rootHash: MerkleHash, at time: Date, key: LedgerSigningKey) throws {
        let timestamp = time.millisecondsSince1970
        let text = Self.checkpoint(origin: Self.ledgerOrigin, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp)
        self.init(
            origin: Self.ledgerOrigin, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp,
            keyID: key.publicKey.id, signature: try key.sign(Data(text.utf8)))
    }

    /// The signed text: origin, size, base64 root and a timestamp line, each ending in a line feed.
    public var checkpoint: String {
        Self.checkpoint(origin: origin, treeSize: treeSize, rootHash: rootHash, timestamp: timestamp)
    }

    private static func checkpoint(origin: String, treeSize: Int64, rootHash: MerkleHash, timestamp: Int64) -> String {
        "\(origin)\n\(treeSize)\n\(rootHash.base64)\ntimestamp \(timestamp)\n"
    }

    /// Whether `key` signed this head (and is the key the head names).
    public func isSigned(by key: LedgerPublicKey) -> Bool {
        key.id == keyID && key.isValidSignature(signature, for: Data(checkpoint.utf8))
    }

}

/// An Ed25519 public key that verifies ledger heads.
public struct LedgerPublicKey: Sendable, Equatable, Hashable {
    /// The raw 32-byte key.
    public let rawRepresentation: Data
    private let key: Curve25519.Signing.PublicKey

    /// The key with these 32 raw bytes.
    /// - Throws: When the bytes are not an Ed25519 public key.
    public init(rawRepresentation: some ContiguousBytes) throws {
        key = try Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
        self.rawRepresentation = key.rawRepresentation
    }

    init(_ key: Curve25519.Signing.PublicKey) {
        self.key = key
        rawRepresentation = key.rawRepresentation
    }

    /// The key ID: the first 8 bytes of SHA-256 of the raw key, in lowercase hex.
    public var id: String { String(SHA256Hex.of(bytes: rawRepresentation).prefix(16)) }

    /// The raw key in standard base64.
    public var base64: String { rawRepresentation.base64EncodedString() }

    /// Whether `signature` is this key's signature of `message`.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        key.isValidSignature(signature, for: message)
    }

    public static func == (lhs: LedgerPublicKey, rhs: LedgerPublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

/// An Ed25519 private key that signs ledger heads. It lives in a file, never in the database.
public struct LedgerSigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// A fresh random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// The key with these 32 raw bytes.
    /// - Throws: When the bytes are not an Ed25519 private key.
    public init(rawRepresentation: some ContiguousBytes) throws {
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// The raw 32-byte private key, for its file.
    public var rawRepresentation: Data { key.rawRepresentation }

    /// Its public key.
    public var publicKey: LedgerPublicKey { LedgerPublicKey(key.publicKey) }

    func sign(_ message: Data) throws -> Data { try key.signature(for: message) }
}

/// A signing key as published: its public half, when it was made, and when it was retired.
public struct LedgerKeyRecord: Sendable, Equatable {
    /// The public key.
    public let publicKey: LedgerPublicKey
    /// When it was made.
    public let createdAt: Date
    /// When a newer key replaced it; heads it signed before then stay valid.
    public let retiredAt: Date?

    /// Describes a key.
    public init(publicKey: LedgerPublicKey, createdAt: Date, retiredAt: Date?) {
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
