import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// Authenticates every `/api/v1` request by its bearer token. A refused credential is answered
/// with 401 and recorded in the audit trail, with the reason (never the secret).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let store: any VigilStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let now = Date().roundedToMilliseconds
        var context = context
        var claimed: (APIToken, Person)?
        do {
            let secret = try Self.bearerSecret(request.headers[.authorization])
            claimed = try await store.tokenForAuthentication(secretHash: secret.hash, at: now)
            guard let (token, owner) = claimed else { throw AuthenticationFailure.unknownToken }
            context.identity = try TokenAuthentication.identity(token: token, owner: owner, at: now)
        } catch let failure as AuthenticationFailure {
            let actor = claimed.map { AuditActor(kind: .person, id: $0.1.id.rawValue, tokenID: $0.0.id.rawValue) }
            var event = context.auditEvent(
                .authenticationFailed, target: routeTarget(request, context), outcome: .failure,
                reason: failure.rawValue, at: now)
            event.actor = actor ?? .anonymous
            try await store.appendAuditEvent(event)
            throw Problem.unauthenticated()
        }
        return try await next(request, context)
    }

    /// Extracts the secret from `Authorization: Bearer <secret>`.
    static func bearerSecret(_ header: String?) throws(AuthenticationFailure) -> TokenSecret {
        guard let header else { throw .missingCredential }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count <= TokenSecret.maximumLength,
            !parts[1].isEmpty
        else { throw .malformedCredential }
        return TokenSecret(presented: String(parts[1]))
    }
}

/// The audit target naming the route a request asked for, with its `{id}` filled in when the
/// ID is plausible (letters, digits and underscores); anything else stays `{id}`, so that no
/// attacker-chosen text reaches the trail.
func routeTarget(_ request: Request, _ context: VigilRequestContext) -> AuditTarget {
    var path = context.endpointPath ?? "unmatched"
    if let id = context.parameters.get("id"), id.count <= 64,
        id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" }), id.allSatisfy(\.isASCII)
    {
        path = path.replacingOccurrences(of: "{id}", with: id)
    }
    return AuditTarget(type: "route", id: "\(request.method.rawValue) \(path)")
}
