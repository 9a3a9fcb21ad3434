import Foundation
import Logging
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
        signer = LedgerSigner(store: store, keys: LedgerKeys(store: store, files: LedgerKeyFiles(dataDirectory: dataDirectory)))
        appender = GroupCommit(maximumBatch: Self.maximumBatch) { try await store.appendAuditEvents($0) }
        proofs = LedgerProofs(store: store)
    }
}

/// Records accesses to PHI in the ledger. Every module that serves PHI records through it, once
/// per access, before it answers.
public struct PHIAccessRecorder: Sendable {
    let ledger: LedgerServices

    /// A recorder appending through `ledger`'s group commit.
    public init(ledger: LedgerServices) {
        self.ledger = ledger
    }

    /// Validates and records an access; it is durable when this returns.
    /// - Parameters:
    ///   - access: The access.
    ///   - time: When it happened.
    ///   - sourceAddress: The caller's network address.
    ///   - requestID: The request's ID.
    /// - Returns: The recorded event, with its place in the ledger.
    /// - Throws: ``ValidationError`` for a bad field, or the store's error.
    @discardableResult
    public func record(
        _ access: PHIAccess, at time: Date = Date(), sourceAddress: String? = nil, requestID: String? = nil
    ) async throws -> AuditEvent {
        try await ledger.appender.submit(
            access.validated().auditEvent(at: time, sourceAddress: sourceAddress, requestID: requestID))
    }
}
