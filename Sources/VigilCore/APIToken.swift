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

extension APIToken {
    /// The longest a token may live, in days.
    public static let maximumLifetimeDays = 365

    /// Makes a new token for `owner` under the rules every way of creating one shares: a label of
    /// at most 100 characters, scopes that are not empty and that the creator may grant, and a
    /// lifetime of 1 to 365 days.
    /// - Parameters:
    ///   - owner: The person the token acts for.
    ///   - name: The label.
    ///   - scopes: The roles asked for; all of `grantable` when `nil`.
    ///   - grantable: The roles the creator may put on it: the owner's roles, narrowed to the
    ///     creator's own token's roles when people make tokens for themselves.
    ///   - lifetimeDays: Days until it expires.
    ///   - createdBy: Who made it; `nil` for an operator at the command line or start-up.
    ///   - secret: Its secret; a fresh random one unless an operator chose it.
    ///   - now: The creation time.
    /// - Returns: The token's record and its secret.
    /// - Throws: ``ValidationError`` naming the field at fault (`name`, `scopes`, `expiresInDays`).
    public static func issue(
        for owner: Person, name: String, scopes: Set<Role>?, grantable: Set<Role>, lifetimeDays: Int,
        createdBy: PersonID?, secret: TokenSecret = .generate(), at now: Date
    ) throws -> (token: APIToken, secret: TokenSecret) {
        let label = try Validate.text(name, field: "name", maximumLength: 100)
        let allowed = grantable.intersection(owner.roles)
        let scopes = scopes ?? allowed
        guard !scopes.isEmpty else { throw ValidationError(field: "scopes", message: "must name at least one role") }
        if let excess = scopes.subtracting(allowed).sorted().first {
            throw ValidationError(
                field: "scopes", message: "includes \(excess.rawValue), which cannot be granted to this token")
        }
        guard (1...maximumLifetimeDays).contains(lifetimeDays) else {
            throw ValidationError(field: "expiresInDays", message: "must be between 1 and \(maximumLifetimeDays)")
        }
        let token = APIToken(
            id: .generate(at: now), ownerID: owner.id, name: label, scopes: scopes, createdAt: now,
            expiresAt: now.addingTimeInterval(Double(lifetimeDays) * 86_400), createdBy: createdBy)
        return (token, secret)
    }
}
