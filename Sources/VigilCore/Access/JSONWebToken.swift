import Foundation

/// JSON Web Tokens (RFC 7519) in the compact JWS serialization (RFC 7515), signed with Ed25519
/// (`EdDSA`, RFC 8037) and nothing else.
///
/// Verification accepts exactly one algorithm, so `none`, HMAC and ECDSA tokens are refused
/// before any key is looked at, and the key is chosen by the header's `kid` from a list the
/// caller trusts, never taken from the token itself.
public enum JSONWebToken {
    /// The longest token accepted, in bytes: 8 KiB.
    public static let maximumLength = 8192
    /// The only algorithm signed or accepted.
    public static let algorithm = "EdDSA"

    /// Signs claims.
    /// - Parameters:
    ///   - claims: The claims; they become the payload as JSON with sorted keys (dates as seconds
    ///     since 1970).
    ///   - key: The signing key; its public key's ``Ed25519PublicKey/id`` becomes the `kid`.
    /// - Returns: The token: `header.payload.signature`, each part base64url.
    /// - Throws: When the claims cannot be encoded or the signature cannot be made.
    public static func sign<Claims: Encodable>(_ claims: Claims, with key: Ed25519SigningKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        let header = Header(alg: algorithm, kid: key.publicKey.id, typ: "JWT")
        let signingInput = try Base64URL.encode(encoder.encode(header)) + "." + Base64URL.encode(encoder.encode(claims))
        return try signingInput + "." + Base64URL.encode(key.sign(Data(signingInput.utf8)))
    }

    /// Verifies a token and decodes its claims.
    ///
    /// It checks only the token's form and signature; the claims' own rules (expiry, audience)
    /// are the caller's to check, such as ``AccessGrantClaims/check(audience:at:leeway:)``.
    /// - Parameters:
    ///   - token: The compact token.
    ///   - type: The type of the claims.
    ///   - keys: The keys trusted to have signed it.
    /// - Returns: The `kid` of the key that signed it, and the claims.
    /// - Throws: ``JSONWebTokenError`` naming the first reason the token is refused.
    public static func verify<Claims: Decodable>(
        _ token: String, as type: Claims.Type, keys: [Ed25519PublicKey]
    ) throws(JSONWebTokenError) -> (keyID: String, claims: Claims) {
        let jws = try Compact(parsing: token)
        guard let keyID = jws.header.kid, let key = keys.first(where: { $0.id == keyID }) else {
            throw .unknownKey
        }
        guard jws.isSigned(by: key) else { throw .badSignature }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return (keyID, try decoder.decode(type, from: jws.payload))
        } catch {
            throw .badClaims
        }
    }

    /// The protected header: only the members Vigil writes or must look at.
    struct Header: Codable {
        var alg: String?
        var kid: String?
        var typ: String?
        /// Whether the header has a `crit` member, naming extensions a verifier must understand.
        var hasCritical = false

        private enum CodingKeys: String, CodingKey {
            case alg, kid, typ, crit
        }

        init(alg: String, kid: String, typ: String) {
            self.alg = alg
            self.kid = kid
            self.typ = typ
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            alg = try container.decodeIfPresent(String.self, forKey: .alg)
            kid = try container.decodeIfPresent(String.self, forKey: .kid)
            typ = try container.decodeIfPresent(String.self, forKey: .typ)
            hasCritical = container.contains(.crit)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(alg, forKey: .alg)
            try container.encodeIfPresent(kid, forKey: .kid)
            try container.encodeIfPresent(typ, forKey: .typ)
        }
    }

    /// A compact JWS whose form and header are acceptable, its signature not yet checked.
    struct Compact {
        /// The decoded protected header.
        let header: Header
        /// The decoded payload.
        let payload: Data
        /// The decoded signature.
        let signature: Data
        /// ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): the bytes signed.
        let signingInput: Data

        /// Splits and decodes a token.
        /// - Throws: ``JSONWebTokenError/tooLong``, ``JSONWebTokenError/malformed``,
        ///   ``JSONWebTokenError/unsupportedAlgorithm`` or ``JSONWebTokenError/criticalHeader``.
        init(parsing token: String) throws(JSONWebTokenError) {
            guard token.utf8.count <= JSONWebToken.maximumLength else { throw .tooLong }
            let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard parts.count == 3,
                let headerBytes = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)),
                let payload = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)),
                let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self)),
                let header = try? JSONDecoder().decode(Header.self, from: headerBytes)
            else { throw .malformed }
            guard header.alg == JSONWebToken.algorithm else { throw .unsupportedAlgorithm }
            guard !header.hasCritical else { throw .criticalHeader }
            self.header = header
            self.payload = payload
            self.signature = signature
            self.signingInput = Data(token.utf8[..<parts[1].endIndex])
        }

        /// Whether `key` made the signature over the signing input.
        func isSigned(by key: Ed25519PublicKey) -> Bool {
            key.isValidSignature(signature, for: signingInput)
        }
    }
}

/// Why a token was refused.
public enum JSONWebTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is longer than ``JSONWebToken/maximumLength``.
    case tooLong
    /// The token is not three base64url parts, or its header is not a JSON object.
    case malformed
    /// The header's `alg` is not exactly `EdDSA`.
    case unsupportedAlgorithm
    /// The header has a `crit` member; no extension is understood.
    case criticalHeader
    /// The header has no `kid`, or it names no trusted key.
    case unknownKey
    /// The signature is not the named key's over the header and payload.
    case badSignature
    /// The payload does not decode as the expected claims.
    case badClaims

    /// What went wrong, for logs and error responses.
    public var description: String {
        switch self {
        case .tooLong: "The token is longer than \(JSONWebToken.maximumLength) bytes."
        case .malformed: "The token is not a compact JWS: three base64url parts with a JSON object header."
        case .unsupportedAlgorithm: "The token's algorithm is not EdDSA, the only one accepted."
        case .criticalHeader: "The token's header has critical extensions (crit), which are not supported."
        case .unknownKey: "The token names no trusted signing key (kid)."
        case .badSignature: "The token's signature is not valid."
        case .badClaims: "The token's claims are missing, of the wrong type or not JSON."
        }
    }
}
