import Foundation
import VigilCore
import VigilStore

/// The ledger's signing keys: the current one, made on first use, and rotation.
public struct LedgerKeys: Sendable {
    let store: any VigilStore
    let files: SigningKeyFiles

    /// Keys published in `store` with private halves in `files`.
    public init(store: any VigilStore, files: SigningKeyFiles) {
        self.store = store
        self.files = files
    }

    /// The key heads are signed with now: the store's unretired key, read from its file; a new
    /// one when the ledger has no key yet.
    public func current(at time: Date = Date()) async throws -> Ed25519SigningKey {
        if let key = try await published() { return key }
        return try await rotate(by: .system("ledger"), reason: "first ledger signing key", at: time)
    }

    /// The store's unretired key, read from its file; `nil` when the ledger has no key yet.
    public func published() async throws -> Ed25519SigningKey? {
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
    public func rotate(by actor: AuditActor, reason: String, at time: Date = Date()) async throws -> Ed25519SigningKey {
        let key = Ed25519SigningKey()
        try files.save(key)
        try await store.addLedgerKey(
            key.publicKey, at: time,
            audit: AuditEventDraft(
                occurredAt: time, actor: actor, action: .ledgerKeyRotated,
                target: AuditTarget(type: "ledger_key", id: key.publicKey.id), outcome: .success, reason: reason))
        return key
    }
}
