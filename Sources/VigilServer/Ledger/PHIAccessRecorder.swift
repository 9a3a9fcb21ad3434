import Foundation
import VigilCore
import VigilStore

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
