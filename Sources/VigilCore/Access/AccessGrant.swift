import Foundation

/// The claims of an access grant: the short-lived token a device receives when the access
/// decision allows it to reach PHI, signed as a ``JSONWebToken``.
///
/// Times are whole seconds since 1970 (JWT NumericDate). A grant lives at most
/// ``maximumLifetime``, so a device that loses access loses it within minutes even if it keeps
/// its last grant.
public struct AccessGrantClaims: Codable, Sendable, Equatable {
    /// The longest a grant may live: 15 minutes.
    public static let maximumLifetime: TimeInterval = 900

    /// The issuer: the Vigil server.
    public let iss: String
    /// The subject: the person's identifier.
    public let sub: String
    /// The audience: the service that accepts the grant.
    public let aud: String
    /// When the grant was issued.
    public let iat: Int
    /// The grant is not valid before this time.
    public let nbf: Int
    /// The grant is not valid at or after this time.
    public let exp: Int
    /// The grant's unique identifier: 128 random bits, base64url.
    public let jti: String
    /// The device's identifier.
    public let device: String
    /// The facility the device was in, when known.
    public let facility: String?
    /// The scopes granted, space-separated, such as `phi.read phi.write`.
    public let scope: String
    /// Whether this is a break-glass grant, issued under emergency access.
    public let emergency: Bool
    /// The emergency access this grant was issued under, when ``emergency``.
    public let emergencyID: String?
    /// The only patient whose records the grant reaches, when it was issued during a home visit
    /// (`docs/geofencing.md`, "Home visits"); `nil` for no such limit.
    public let patient: String?

    /// Issues the claims of a new grant, valid from `now` for `lifetime`, with a random `jti`.
    /// - Parameters:
    ///   - issuer: The Vigil server's issuer name.
    ///   - person: The person's identifier.
    ///   - audience: The service that will accept the grant.
    ///   - device: The device's identifier.
    ///   - facility: The facility the device is in, if known.
    ///   - scope: The scopes granted, space-separated.
    ///   - emergencyID: The emergency access the grant is issued under; `nil` for an ordinary
    ///     grant. A grant is ``emergency`` exactly when it has one.
    ///   - patient: The only patient the grant reaches, during a home visit.
    ///   - now: The time of issue; it is rounded down to the second.
    ///   - lifetime: How long the grant lives; at most ``maximumLifetime``.
    /// - Throws: ``AccessGrantRefusal/lifetimeTooLong`` for a lifetime above the maximum,
    ///   ``AccessGrantRefusal/expired`` for one under a second.
    public init(
        issuer: String, person: String, audience: String, device: String, facility: String?, scope: String,
        emergencyID: String? = nil, patient: String? = nil, at now: Date, lifetime: TimeInterval = maximumLifetime
    ) throws(AccessGrantRefusal) {
        guard lifetime <= Self.maximumLifetime else { throw .lifetimeTooLong }
        guard lifetime >= 1 else { throw .expired }
        let issuedAt = Int(now.timeIntervalSince1970.rounded(.down))
        iss = issuer
        sub = person
        aud = audience
        iat = issuedAt
        nbf = issuedAt
        exp = issuedAt + Int(lifetime.rounded(.down))
        jti = Self.randomID()
        self.device = device
        self.facility = facility
        self.scope = scope
        emergency = emergencyID != nil
        self.emergencyID = emergencyID
        self.patient = patient
    }

    /// Checks that the grant may be honoured now. Its signature is checked before, by
    /// ``JSONWebToken/verify(_:as:keys:)``.
    /// - Parameters:
    ///   - audience: The audience of the service checking it.
    ///   - now: The time.
    ///   - leeway: How far ahead of this clock the issuer's clock may be, for `nbf` and `iat`.
    /// - Throws: ``AccessGrantRefusal`` when the grant lives longer than the maximum, is for
    ///   another audience, has expired (`exp` at or before now, without leeway), or is not yet
    ///   valid (`nbf` or `iat` after now plus the leeway).
    public func check(audience: String, at now: Date, leeway: TimeInterval = 30) throws(AccessGrantRefusal) {
        let (lifetime, overflow) = exp.subtractingReportingOverflow(iat)
        guard !overflow, Double(lifetime) <= Self.maximumLifetime else { throw .lifetimeTooLong }
        guard aud == audience else { throw .wrongAudience }
        let seconds = now.timeIntervalSince1970
        guard Double(exp) > seconds else { throw .expired }
        guard Double(nbf) <= seconds + leeway, Double(iat) <= seconds + leeway else { throw .notYetValid }
    }

    /// 128 random bits in base64url.
    private static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let halves = [generator.next() as UInt64, generator.next() as UInt64]
        return Base64URL.encode(halves.flatMap { withUnsafeBytes(of: $0, Array.init) })
    }
}

/// Why an access grant is not honoured.
public enum AccessGrantRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Its expiry has passed.
    case expired
    /// Its `nbf` or `iat` is still in the future.
    case notYetValid
    /// It was issued for another service.
    case wrongAudience
    /// It lives longer than ``AccessGrantClaims/maximumLifetime``.
    case lifetimeTooLong

    /// What went wrong, for logs and error responses.
    public var description: String {
        switch self {
        case .expired: "The access grant has expired; the device must ask for a new one."
        case .notYetValid: "The access grant is not valid yet; check the device's and server's clocks."
        case .wrongAudience: "The access grant was issued for another service."
        case .lifetimeTooLong: "The access grant lives longer than \(Int(AccessGrantClaims.maximumLifetime)) seconds."
        }
    }
}

/// An Ed25519 public key as a JSON Web Key (RFC 7517, with RFC 8037's `OKP` key type), as
/// published for verifiers of access grants.
public struct JSONWebKey: Codable, Sendable, Equatable {
    /// The key type: `OKP`.
    public var kty: String
    /// The curve: `Ed25519`.
    public var crv: String
    /// The raw 32-byte public key, base64url.
    public var x: String
    /// The key ID: ``Ed25519PublicKey/id``.
    public var kid: String
    /// What the key is for: `sig`.
    public var use: String
    /// The algorithm: `EdDSA`.
    public var alg: String

    /// Describes a public key.
    /// - Parameter key: The key.
    public init(_ key: Ed25519PublicKey) {
        kty = "OKP"
        crv = "Ed25519"
        x = Base64URL.encode(key.rawRepresentation)
        kid = key.id
        use = "sig"
        alg = JSONWebToken.algorithm
    }

    /// The public key, or `nil` unless this is an Ed25519 signing key for `EdDSA` whose `x` is a
    /// valid key with this `kid`.
    public var publicKey: Ed25519PublicKey? {
        guard kty == "OKP", crv == "Ed25519", use == "sig", alg == JSONWebToken.algorithm,
            let raw = Base64URL.decode(x), raw.count == 32,
            let key = try? Ed25519PublicKey(rawRepresentation: raw), key.id == kid
        else { return nil }
        return key
    }
}

/// A JSON Web Key Set (RFC 7517 §5): the keys that verify access grants.
public struct JSONWebKeySet: Codable, Sendable, Equatable {
    /// The keys.
    public var keys: [JSONWebKey]

    /// A set of these keys.
    /// - Parameter keys: The keys.
    public init(keys: [JSONWebKey]) {
        self.keys = keys
    }

    /// The public keys of the set's usable keys, for ``JSONWebToken/verify(_:as:keys:)``.
    public var publicKeys: [Ed25519PublicKey] { keys.compactMap(\.publicKey) }
}
