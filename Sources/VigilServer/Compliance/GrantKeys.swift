import Foundation
import NIOConcurrencyHelpers
import VigilCore
import VigilStore

/// The keys that sign access grants: private halves in `<data dir>/grant-keys`, public halves
/// published in the store and at `/.well-known/jwks.json`. A retired key stays published until
/// every grant it signed has expired.
final class GrantKeys: Sendable {
    private let store: any VigilStore
    private let files: SigningKeyFiles
    private let signing = NIOLockedValueBox<Ed25519SigningKey?>(nil)

    init(store: any VigilStore, files: SigningKeyFiles) {
        self.store = store
        self.files = files
    }

    /// The key grants are signed with now; a new one when there is none yet.
    func current() async throws -> Ed25519SigningKey {
        if let key = signing.withLockedValue({ $0 }) { return key }
        if let record = try await store.grantKeys().last(where: { $0.retiredAt == nil }) {
            let key = try files.load(keyID: record.publicKey.id)
            signing.withLockedValue { $0 = key }
            return key
        }
        return try await rotate(by: .system("access grants"), reason: "first access grant signing key")
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
        signing.withLockedValue { $0 = key }
        return key
    }

    /// The public keys that may verify a grant at `now`: the current key, and retired keys whose
    /// last grants may still be alive.
    func verificationKeys(at now: Date = Date()) async throws -> [Ed25519PublicKey] {
        let oldest = now.addingTimeInterval(-AccessGrantClaims.maximumLifetime - 60)
        return try await store.grantKeys().filter { ($0.retiredAt ?? now) > oldest }.map(\.publicKey)
    }
}
