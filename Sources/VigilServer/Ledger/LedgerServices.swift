import Foundation
import VigilCore
import VigilStore

/// The ledger's in-process parts that routes and modules share: the signer, the group commit for
/// standalone events, and the proof builder.
public final class LedgerServices: Sendable {
    /// The most standalone events appended in one transaction.
    static let maximumBatch = 5_000

    /// Signs tree heads.
    public let signer: LedgerSigner
    /// Appends standalone events (such as PHI access) in groups, each acknowledged after commit.
    public let appender: GroupCommit<AuditEventDraft, AuditEvent>
    let proofs: LedgerProofs

    /// The ledger of `store`, signing with the key files under `dataDirectory`.
    public init(store: any VigilStore, dataDirectory: String) {
        signer = LedgerSigner(store: store, keys: LedgerKeys(store: store, files: SigningKeyFiles.ledger(dataDirectory: dataDirectory)))
        appender = GroupCommit(maximumBatch: Self.maximumBatch) { try await store.appendAuditEvents($0) }
        proofs = LedgerProofs(store: store)
    }
}
