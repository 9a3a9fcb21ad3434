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
    public init(treeSize: Int64, rootHash: MerkleHash, at time: Date, key: Ed25519SigningKey) throws {
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
    public func isSigned(by key: Ed25519PublicKey) -> Bool {
        key.id == keyID && key.isValidSignature(signature, for: Data(checkpoint.utf8))
    }

}
