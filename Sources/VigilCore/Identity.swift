import Foundation

/// The authenticated caller of an API request: a person acting through one token.
public struct Identity: Sendable, Equatable {
    /// The person the token belongs to, as stored now.
    public let person: Person
    /// The token that authenticated the request.
    public let token: APIToken
    /// The roles the caller may exercise: the token's scopes that the person still holds.
    public let roles: Set<Role>

    /// Whether the caller has `permission`.
    /// - Parameter permission: The permission a route requires.
    public func has(_ permission: Permission) -> Bool {
        permission.isGranted(to: roles)
    }
}

/// Why a presented token did not authenticate; recorded in the audit trail, never shown in detail
/// to the caller.
public enum AuthenticationFailure: String, Sendable, Error, Equatable {
    /// No `Authorization` header.
    case missingCredential = "missing credential"
    /// The header is not `Bearer <secret>`, or the secret is oversized.
    case malformedCredential = "malformed credential"
    /// No token has this secret.
    case unknownToken = "unknown token"
    /// The token has expired.
    case expiredToken = "expired token"
    /// The token was revoked.
    case revokedToken = "revoked token"
    /// The owner is suspended.
    case suspendedOwner = "owner suspended"
    /// The owner no longer holds any of the token's scopes.
    case noRemainingScope = "no remaining scope"
}

/// Decides whether a stored token, found by its secret's hash, authenticates a request.
public enum TokenAuthentication {
    /// Checks a token and its owner at `now`.
    /// - Parameters:
    ///   - token: The token whose hash matched.
    ///   - owner: The token's owner as stored now.
    ///   - now: The time of the request.
    /// - Returns: The caller's identity.
    /// - Throws: ``AuthenticationFailure`` naming why the token is refused.
    public static func identity(token: APIToken, owner: Person, at now: Date) throws(AuthenticationFailure) -> Identity {
        if token.revokedAt != nil { throw .revokedToken }
        if token.expiresAt <= now { throw .expiredToken }
        if owner.status != .active { throw .suspendedOwner }
        let roles = token.scopes.intersection(owner.roles)
        if roles.isEmpty { throw .noRemainingScope }
        return Identity(person: owner, token: token, roles: roles)
    }
}
