import Hummingbird
import VigilCore
import VigilStore

/// One route of `/api/v1`: its method, path, the permission it requires, and its handler.
///
/// Controllers list their endpoints; ``register(_:on:store:)`` adds them behind one authorization
/// check, so that no handler can forget it. The permission is also what the authorization matrix
/// test and the OpenAPI check read.
struct APIEndpoint: Sendable {
    typealias Handler = @Sendable (Request, VigilRequestContext) async throws -> Response

    let method: HTTPRequest.Method
    /// The path below `/api/v1`, with `{name}` captures, such as `/people/{id}`.
    let path: String
    let permission: Permission
    /// The action a write records; a write that fails after authorization is recorded under it
    /// with outcome `failure`. `nil` for reads.
    let auditAction: AuditAction?
    let handler: Handler

    init(
        _ method: HTTPRequest.Method, _ path: String, _ permission: Permission, audit auditAction: AuditAction? = nil,
        handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.permission = permission
        self.auditAction = auditAction
        self.handler = handler
    }

    /// The prefix of every API path.
    static let prefix = "/api/v1"

    /// Adds `endpoints` to `group`, each behind its permission check.
    static func register(
        _ endpoints: [APIEndpoint], on group: RouterGroup<VigilRequestContext>, store: any VigilStore
    ) {
        for endpoint in endpoints {
            group.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                let identity = try context.requireIdentity()
                guard identity.has(endpoint.permission) else {
                    try await deny(
                        "This requires the \(endpoint.permission.rawValue) permission, which your roles do not grant.",
                        request: request, context: context, store: store)
                }
                do {
                    return try await endpoint.handler(request, context)
                } catch {
                    if let action = endpoint.auditAction, !(error is RecordedDenial) {
                        let reason = Problem(answering: error)?.auditReason ?? "500 internal"
                        try await store.appendAuditEvent(
                            context.auditEvent(
                                action, target: routeTarget(request, context), outcome: .failure, reason: reason))
                    }
                    throw error
                }
            }
        }
    }

    /// Records an authorization denial in the audit trail, once, and refuses the request.
    /// - Parameters:
    ///   - detail: Why, for the caller and the trail.
    ///   - target: What was asked for; the route by default.
    ///   - answer: The response; 403 by default, or a 404 that hides whether the record exists.
    static func deny(
        _ detail: String, request: Request, context: VigilRequestContext, store: any VigilStore,
        target: AuditTarget? = nil, answer: Problem? = nil
    ) async throws -> Never {
        try await store.appendAuditEvent(
            context.auditEvent(
                .authorizationDenied, target: target ?? routeTarget(request, context), outcome: .failure,
                reason: detail))
        throw RecordedDenial(answer: answer ?? .forbidden(detail))
    }
}
