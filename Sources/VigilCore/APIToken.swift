import Foundation

/// An API token's record: everything about it except its secret, which is stored only as a hash.
public struct APIToken: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "tok"

    /// Unique identifier; safe to show and log, unlike the secret.
    public let id: APITokenID
    /// The person the token acts for.
    public let ownerID: PersonID
    /// A label chosen by its creator, such as "laptop" or "ci".
    public let name: String
    /// The roles the token may exercise; the owner's current roles bound them further.
    public let scopes: Set<Role>
    /// When the token was made.
    public let createdAt: Date
    /// After this instant the token is refused.
    public let expiresAt: Date
    /// Set once the token is revoked; from then on it is refused.
    public var revokedAt: Date?
    /// When the token last authenticated a request (updated at most once a minute).
    public var lastUsedAt: Date?
    /// Who created the token (the owner themselves, an administrator, or nobody for bootstrap).
    public let createdBy: PersonID?

    /// Creates a token record.
    public init(
        id: APITokenID, ownerID: PersonID, name: String, scopes: Set<Role>, createdAt: Date, expiresAt: Date,
        revokedAt: Date? = nil, lastUsedAt: Date? = nil, createdBy: PersonID?
    ) {
        self.id = id
        self.ownerID = ownerID
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.createdBy = createdBy
    }
}

/// The identifier of an ``APIToken``.
public typealias APITokenID = Identifier<APIToken>

extension APIToken {
    /// How stale ``lastUsedAt`` may grow before a use is written down again.
    public static let lastUseResolution: TimeInterval = 60

    /// Whether a use at `now` should be recorded as the token's last use.
    /// - Parameter now: The time of the use.
    public func needsLastUseUpdate(at now: Date) -> Bool {
        guard let lastUsedAt else { return true }
        return now.timeIntervalSince(lastUsedAt) >= Self.lastUseResolution
    }
}
