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
        if let key = try await published() { return key }
        return try await rotate(by: .system("ledger"), reason: "first ledger signing key", at: time)
    }

    /// The store's unretired key, read from its file; `nil` when the ledger has no key yet.
    public func published() async throws -> LedgerSigningKey? {
        guard let record = try await store.ledgerKeys().last(where: { $0.retiredAt == nil }) else { return nil }
        return try files.load(keyID: record.publicKey.id)
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
