import Foundation
import VigilCore

/// The ledger's private signing keys, one file each in `<data dir>/ledger-keys/<key id>.ed25519`
/// (32 raw bytes, mode 0600, in a 0700 directory). They never enter the database, so that whoever
/// can change the database still cannot sign a head.
public struct LedgerKeyFiles: Sendable {
    /// The directory holding the key files.
    public let directory: String

    /// The key files of a data directory.
    public init(dataDirectory: String) {
        directory = (dataDirectory as NSString).appendingPathComponent("ledger-keys")
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
    public func load(keyID: String) throws -> LedgerSigningKey {
        let path = path(keyID: keyID)
        let contents: Data?
        do {
            contents = try OwnerOnlyFile.read(path)
        } catch let failure as OwnerOnlyFile.Failure {
            throw Failure(description: failure.description)
        }
        guard let data = contents else {
            throw Failure(description: "the ledger signing key \(keyID) is not at \(path); copy the ledger-keys directory from the server that made it, or run `vigil audit rotate-key`")
        }
        guard let key = try? LedgerSigningKey(rawRepresentation: data), key.publicKey.id == keyID else {
            throw Failure(description: "\(path) does not hold the ledger signing key \(keyID)")
        }
        return key
    }

    /// The public halves of every key file in the directory.
    public func publicKeys() -> [LedgerPublicKey] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            guard name.hasSuffix(".ed25519") else { return nil }
            return try? load(keyID: String(name.dropLast(".ed25519".count))).publicKey
        }
    }

    /// Writes a new key's file, readable by its owner only, and flushes it to disk before the
    /// key is published.
    /// - Throws: ``OwnerOnlyFile/Failure`` when the file exists or cannot be written.
    public func save(_ key: LedgerSigningKey) throws {
        try OwnerOnlyFile.create(path(keyID: key.publicKey.id), with: key.rawRepresentation)
    }
}
