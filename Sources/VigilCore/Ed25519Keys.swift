import Crypto
import Foundation

/// An Ed25519 public key: it verifies ledger heads and access grants.
public struct Ed25519PublicKey: Sendable, Equatable, Hashable {
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

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

/// An Ed25519 private key that signs ledger heads or access grants. It lives in a file, never in the
/// database.
public struct Ed25519SigningKey: Sendable {
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
    public var publicKey: Ed25519PublicKey { Ed25519PublicKey(key.publicKey) }

    func sign(_ message: Data) throws -> Data { try key.signature(for: message) }
}

/// A signing key as published (a ledger key or an access grant key): its public half, when it was
/// made, and when it was retired.
public struct SigningKeyRecord: Sendable, Equatable {
    /// The public key.
    public let publicKey: Ed25519PublicKey
    /// When it was made.
    public let createdAt: Date
    /// When a newer key replaced it; what it signed before then stays valid.
    public let retiredAt: Date?

    /// Describes a key.
    public init(publicKey: Ed25519PublicKey, createdAt: Date, retiredAt: Date?) {
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}
