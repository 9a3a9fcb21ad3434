import Hummingbird
import VigilCore

/// `/api/v1/me`: who the caller is and what they may do.
struct MeController {
    var endpoints: [APIEndpoint] {
        [APIEndpoint(.get, "/me", .readSelf, handler: show)]
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try APIJSON.response(
            MeResource(
                person: PersonResource(identity.person), token: TokenResource(identity.token),
                roles: identity.roles.sorted(),
                permissions: Permission.allCases.filter(identity.has).map(\.rawValue)))
    }
}
