import Foundation
import VigilCore
import VigilStore

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
    /// - Throws: ``Failure`` when the file is missing, unreadable or holds another key.
    public func load(keyID: String) throws -> LedgerSigningKey {
        let path = path(keyID: keyID)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "the ledger signing key \(keyID) is not at \(path); copy the ledger-keys directory from the server that made it, or run `vigil audit rotate-key`")
        }
        guard let key = try? LedgerSigningKey(rawRepresentation: data), key.publicKey.id == keyID else {
            throw Failure(description: "\(path) does not hold the ledger signing key \(keyID)")
        }
        return key
    }

    /// Writes a new key's file, readable by its owner only.
    /// - Throws: ``Failure`` when the file exists or cannot be written.
    public func save(_ key: LedgerSigningKey) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = path(keyID: key.publicKey.id)
        guard !FileManager.default.fileExists(atPath: path),
            FileManager.default.createFile(
                atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "could not write the ledger signing key to \(path)") }
    }
}

/// The ledger's signing keys: the current one, made on first use, and rotation.
public struct LedgerKeys: Sendable {
    let store: any VigilStore
    let files: LedgerKeyFiles

    /// Keys published in `store` with private halves in `files`.
    public init(store: any VigilStore, files: LedgerKeyFiles) {
        self.store = store
        self.files = files
    }

    /// The key heads are signed with now: the store's unretired key, read from its file; a new
    /// one when the ledger has no key yet.
    public func current(at time: Date = Date()) async throws -> LedgerSigningKey {
        if let record = try await store.ledgerKeys().last(where: { $0.retiredAt == nil }) {
            return try files.load(keyID: record.publicKey.id)
        }
        return try await rotate(by: .system("ledger"), reason: "first ledger signing key", at: time)
    }

    /// Makes a new key, writes its file, publishes it and retires the current one. Heads signed
    /// before stay valid: retired public keys stay published.
    /// - Parameters:
    ///   - actor: Who rotated it.
    ///   - reason: Why, for the audit trail.
    ///   - time: When.
    /// - Returns: The new key.
    @discardableResult
    public func rotate(by actor: AuditActor, reason: String, at time: Date = Date()) async throws -> LedgerSigningKey {
        let key = LedgerSigningKey()
        try files.save(key)
        try await store.addLedgerKey(
            key.publicKey, at: time,
            audit: AuditEventDraft(
                occurredAt: time, actor: actor, action: .ledgerKeyRotated,
                target: AuditTarget(type: "ledger_key", id: key.publicKey.id), outcome: .success, reason: reason))
        return key
    }
}
