import Foundation
import VigilCore
import VigilStore

/// The keys that sign access grants: private halves in `<data dir>/grant-keys`, public halves
/// published in the store and at `/.well-known/jwks.json`. A retired key stays published until
/// every grant it signed has expired.
///
/// Only keys whose private file is in this server's directory are trusted, for signing and for
/// verifying: whoever can change the database cannot slip in a key of their own. What the store
/// says is read again at most every ``refreshInterval``, so that a rotation made on another
/// replica (which shares the directory) reaches this one within a minute.
actor GrantKeys {
    /// How long the keys read from the store and the directory are used before being read again.
    static let refreshInterval: TimeInterval = 60

    private let store: any VigilStore
    private let files: SigningKeyFiles
    private var known: (signing: Ed25519SigningKey, records: [SigningKeyRecord], readAt: Date)?
    /// The first key's creation, shared by the calls that find none (so that only one is made).
    private var firstKey: Task<Ed25519SigningKey, any Error>?

    init(store: any VigilStore, files: SigningKeyFiles) {
        self.store = store
        self.files = files
    }

    /// The key grants are signed with now; a new one when there is none yet.
    func current(at now: Date = Date()) async throws -> Ed25519SigningKey {
        try await refreshed(at: now).signing
    }

    /// The public keys that may verify a grant at `now`: the current key, and retired keys whose
    /// last grants may still be alive; only those whose private file this server holds.
    func verificationKeys(at now: Date = Date()) async throws -> [Ed25519PublicKey] {
        let oldest = now.addingTimeInterval(-AccessGrantClaims.maximumLifetime - 60)
        return try await refreshed(at: now).records.filter { ($0.retiredAt ?? now) > oldest }.map(\.publicKey)
    }

    /// Makes a new key, writes its file, publishes it and retires the current one.
    @discardableResult
    func rotate(by actor: AuditActor, reason: String, at time: Date = Date().roundedToMilliseconds) async throws
        -> Ed25519SigningKey
    {
        let key = Ed25519SigningKey()
        try files.save(key)
        try await store.addGrantKey(
            key.publicKey, at: time,
            audit: AuditEventDraft(
                occurredAt: time, actor: actor, action: .grantKeyRotated,
                target: AuditTarget(type: "grant_key", id: key.publicKey.id), outcome: .success, reason: reason))
        known = nil
        return key
    }

    /// The signing key and the trusted records, read again when older than the refresh interval.
    private func refreshed(at now: Date) async throws -> (signing: Ed25519SigningKey, records: [SigningKeyRecord]) {
        if let known, now.timeIntervalSince(known.readAt) < Self.refreshInterval, known.readAt <= now {
            return (known.signing, known.records)
        }
        var published = try await store.grantKeys()
        if !published.contains(where: { $0.retiredAt == nil }) {
            _ = try await makeFirstKey()
            published = try await store.grantKeys()
        }
        guard let record = published.last(where: { $0.retiredAt == nil }) else {
            throw SigningKeyFiles.Failure(description: "no access grant signing key is published")
        }
        let signing = try files.load(keyID: record.publicKey.id)
        let local = Set(files.publicKeys())
        let records = published.filter { local.contains($0.publicKey) }
        known = (signing, records, now)
        return (signing, records)
    }

    private func makeFirstKey() async throws -> Ed25519SigningKey {
        if let firstKey { return try await firstKey.value }
        let task = Task { try await rotate(by: .system("access grants"), reason: "first access grant signing key") }
        firstKey = task
        defer { firstKey = nil }
        return try await task.value
    }
}
