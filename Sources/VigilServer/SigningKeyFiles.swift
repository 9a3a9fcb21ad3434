import Foundation
import VigilCore

/// Private Ed25519 signing keys, one file each in `<data dir>/<folder>/<key id>.ed25519` (32 raw
/// bytes, mode 0600, in a 0700 directory): the ledger's keys in `ledger-keys`, the access grants'
/// keys in `grant-keys`. They never enter the database, so that whoever can change the database
/// still cannot sign a ledger head or an access grant.
public struct SigningKeyFiles: Sendable {
    /// The directory holding the key files.
    public let directory: String
    /// What the keys sign, for messages: "ledger" or "access grant".
    let purpose: String
    /// The command that makes a new key of this kind, for messages.
    let rotationCommand: String

    /// The ledger's key files in a data directory.
    public static func ledger(dataDirectory: String) -> SigningKeyFiles {
        SigningKeyFiles(
            directory: (dataDirectory as NSString).appendingPathComponent("ledger-keys"), purpose: "ledger",
            rotationCommand: "vigil audit rotate-key")
    }

    /// The access grants' key files in a data directory.
    public static func grants(dataDirectory: String) -> SigningKeyFiles {
        SigningKeyFiles(
            directory: (dataDirectory as NSString).appendingPathComponent("grant-keys"), purpose: "access grant",
            rotationCommand: "POST /api/v1/access/keys")
    }

    /// Why a key file could not be used.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong, for the operator.
        public let description: String
    }

    /// The path of a key's file.
    public func path(keyID: String) -> String {
        (directory as NSString).appendingPathComponent("\(keyID).ed25519")
    }

    /// Reads the private key with this ID.
    /// - Throws: ``Failure`` when the file is missing, unreadable, readable by others or holds
    ///   another key.
    public func load(keyID: String) throws -> Ed25519SigningKey {
        let path = path(keyID: keyID)
        let contents: Data?
        do {
            contents = try OwnerOnlyFile.read(path)
        } catch let failure as OwnerOnlyFile.Failure {
            throw Failure(description: failure.description)
        }
        guard let data = contents else {
            throw Failure(description: "the \(purpose) signing key \(keyID) is not at \(path); copy the \((directory as NSString).lastPathComponent) directory from the server that made it, or make a new key with `\(rotationCommand)`")
        }
        guard let key = try? Ed25519SigningKey(rawRepresentation: data), key.publicKey.id == keyID else {
            throw Failure(description: "\(path) does not hold the \(purpose) signing key \(keyID)")
        }
        return key
    }

    /// The public halves of every key file in the directory.
    public func publicKeys() -> [Ed25519PublicKey] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            guard name.hasSuffix(".ed25519") else { return nil }
            return try? load(keyID: String(name.dropLast(".ed25519".count))).publicKey
        }
    }

    /// Writes a new key's file, readable by its owner only, and flushes it to disk before the
    /// key is published.
    /// - Throws: ``OwnerOnlyFile/Failure`` when the file exists or cannot be written.
    public func save(_ key: Ed25519SigningKey) throws {
        try OwnerOnlyFile.create(path(keyID: key.publicKey.id), with: key.rawRepresentation)
    }
}
