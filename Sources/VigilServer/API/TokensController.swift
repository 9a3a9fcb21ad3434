import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/tokens`: API tokens. Everyone but auditors manages their own; administrators manage
/// anyone's; security officers and auditors may read every token's record. Secrets are shown
/// once, at creation.
struct TokensController {
    let store: any VigilStore
    let bodyLimit: Int

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/tokens", .readSelf, handler: list),
            APIEndpoint(.post, "/tokens", .manageOwnTokens, audit: .tokenCreated, handler: create),
            APIEndpoint(.get, "/tokens/{id}", .readSelf, handler: show),
            APIEndpoint(.delete, "/tokens/{id}", .manageOwnTokens, audit: .tokenRevoked, handler: revoke),
        ]
    }

    /// The body of `POST /tokens`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, personID, scopes, expiresInDays }
        /// A label, such as "laptop".
        let name: String
        /// Whose token; the caller's own when absent.
        let personID: PersonID?
        /// The roles it may exercise; all the owner's (within the caller's) when absent.
        let scopes: [Role]?
        /// Lifetime in days, 1 to 365; 90 when absent.
        let expiresInDays: Int?
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["personID"])
        var owner = try query["personID"].map { text in
            guard let id = PersonID(validating: text) else { throw Problem.invalidQuery("personID", "is not a person ID") }
            return id
        }
        if !identity.has(.readAllTokens) {
            if let owner, owner != identity.person.id {
                try await APIEndpoint.deny(
                    "Only your own tokens are listed for your roles.", request: request, context: context,
                    store: store)
            }
            owner = identity.person.id
        }
        let tokens = try await store.tokens(ownerID: owner, page)
        let now = Date()
        return try APIJSON.response(ListResponse(tokens) { TokenResource($0, now: now) })
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try await visibleToken(request, context)
        return try APIJSON.response(TokenResource(token))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        if let personID = body.personID, PersonID(validating: personID.rawValue) == nil {
            throw Problem.invalidField("personID", "is not a person ID")
        }
        let ownerID = body.personID ?? identity.person.id
        let forSelf = ownerID == identity.person.id
        if !forSelf, !identity.has(.manageAllTokens) {
            try await APIEndpoint.deny(
                "Only administrators create tokens for other people.", request: request, context: context,
                store: store)
        }
        guard let owner = forSelf ? identity.person : try await store.person(id: ownerID) else {
            throw Problem.invalidField("personID", "names \(ownerID), which does not exist")
        }
        // A token never carries more than its owner holds, nor more than the caller's own token
        // when people make tokens for themselves.
        let now = Date().roundedToMilliseconds
        let (token, secret) = try APIToken.issue(
            for: owner, name: body.name, scopes: body.scopes.map(Set.init),
            grantable: forSelf ? identity.roles : owner.roles, lifetimeDays: body.expiresInDays ?? 90,
            createdBy: identity.person.id, at: now)
        try await store.createToken(
            token, secretHash: secret.hash,
            audit: context.auditEvent(.tokenCreated, target: .token(token.id), reason: "for \(owner.id)", at: now))
        return try APIJSON.response(
            CreatedTokenResource(token: TokenResource(token, now: now), secret: secret.value), status: .created,
            location: "\(APIEndpoint.prefix)/tokens/\(token.id)")
    }

    @Sendable func revoke(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let token = try await visibleToken(request, context)
        if token.ownerID != identity.person.id, !identity.has(.manageAllTokens) {
            try await APIEndpoint.deny(
                "Only administrators revoke other people's tokens.", request: request, context: context, store: store)
        }
        let now = Date().roundedToMilliseconds
        let revoked = try await store.revokeToken(
            id: token.id, at: now, audit: context.auditEvent(.tokenRevoked, target: .token(token.id), at: now))
        return try APIJSON.response(TokenResource(revoked, now: now))
    }

    /// The token named in the path, if the caller may see it; others' tokens are "not found" to
    /// callers who may not read them, so that their existence does not leak.
    func visibleToken(_ request: Request, _ context: VigilRequestContext) async throws -> APIToken {
        let identity = try context.requireIdentity()
        let id = try context.pathID(APITokenID.self)
        guard let token = try await store.token(id: id) else { throw Problem.notFound("There is no token \(id).") }
        guard token.ownerID == identity.person.id || identity.has(.readAllTokens) else {
            try await APIEndpoint.deny(
                "another person's token, answered as not found", request: request, context: context, store: store,
                target: .token(id), answer: .notFound("There is no token \(id)."))
        }
        return token
    }
}
