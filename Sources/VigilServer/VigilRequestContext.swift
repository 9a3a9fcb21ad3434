import Foundation
import Hummingbird
import Logging
import NIOCore
import VigilCore

/// The per-request context of every Vigil route: who is calling, from where, under which ID.
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller, set by ``AuthenticationMiddleware`` on `/api/v1` routes.
    public var identity: Identity?
    /// The peer's IP address, when the connection has one.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The request's ID: in every log line, the `X-Request-ID` header and the audit trail.
    public var requestID: String { id }

    /// The authenticated caller.
    /// - Throws: ``Problem`` 401 when the route was reached without authentication.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw Problem.unauthenticated() }
        return identity
    }

    /// The `{id}` path parameter as an identifier of `Entity`.
    /// - Throws: ``Problem`` 404 when it is not an identifier of that kind, so that no malformed
    ///   value reaches the database.
    public func pathID<Entity>(_ type: Identifier<Entity>.Type = Identifier<Entity>.self) throws -> Identifier<Entity> {
        guard let text = parameters.get("id"), let id = Identifier<Entity>(validating: text) else {
            throw Problem.notFound("There is no \(String(describing: Entity.self).lowercased()) with this ID.")
        }
        return id
    }

    /// An audit event about this request, by its authenticated caller (or anonymous).
    /// - Parameters:
    ///   - action: What was done.
    ///   - target: The record acted on.
    ///   - outcome: How it ended.
    ///   - reason: Why it failed, or a short note.
    ///   - time: When; now by default.
    ///   - actor: Who acted, when not the caller's identity (a device).
    public func auditEvent(
        _ action: AuditAction, target: AuditTarget?, outcome: AuditOutcome = .success, reason: String? = nil,
        at time: Date = Date().roundedToMilliseconds, actor: AuditActor? = nil
    ) -> AuditEventDraft {
        AuditEventDraft(
            occurredAt: time, actor: actor ?? identity.map(AuditActor.person) ?? .anonymous, action: action,
            target: target,
            outcome: outcome, reason: reason, sourceAddress: remoteAddress, requestID: requestID)
    }
}
