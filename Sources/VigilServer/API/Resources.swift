import Foundation
import VigilCore

// The JSON shapes the API returns. Sets are returned sorted so that responses are stable.

/// A person as the API shows it.
struct PersonResource: Encodable {
    let id: String
    let name: String
    let email: String
    let affiliation: Affiliation
    let roles: [Role]
    let facilityIDs: [String]
    let status: PersonStatus
    let createdAt: Date
    let updatedAt: Date

    init(_ person: Person) {
        id = person.id.rawValue
        name = person.name
        email = person.email
        affiliation = person.affiliation
        roles = person.roles.sorted()
        facilityIDs = person.facilityIDs.map(\.rawValue).sorted()
        status = person.status
        createdAt = person.createdAt
        updatedAt = person.updatedAt
    }
}

/// An API token's record as the API shows it; never its secret or hash.
struct TokenResource: Encodable {
    let id: String
    let personID: String
    let name: String
    let scopes: [Role]
    /// `active`, `expired` or `revoked`, at the time of the response.
    let state: String
    let createdAt: Date
    let expiresAt: Date
    let revokedAt: Date?
    let lastUsedAt: Date?
    let createdBy: String?

    init(_ token: APIToken, now: Date = Date()) {
        id = token.id.rawValue
        personID = token.ownerID.rawValue
        name = token.name
        scopes = token.scopes.sorted()
        state = token.revokedAt != nil ? "revoked" : token.expiresAt <= now ? "expired" : "active"
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        revokedAt = token.revokedAt
        lastUsedAt = token.lastUsedAt
        createdBy = token.createdBy?.rawValue
    }
}

/// A newly created token: its record and, this once, its secret.
struct CreatedTokenResource: Encodable {
    let token: TokenResource
    /// The secret to send as `Authorization: Bearer <secret>`; it is not shown again.
    let secret: String
}

/// The caller's own identity.
struct MeResource: Encodable {
    let person: PersonResource
    let token: TokenResource
    /// The roles this token may exercise now.
    let roles: [Role]
    /// What those roles allow.
    let permissions: [String]
}
