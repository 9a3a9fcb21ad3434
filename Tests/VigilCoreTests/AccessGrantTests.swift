import Foundation
import Testing
@testable import VigilCore

/// Access grants as EdDSA JSON Web Tokens: signing, the refusals, the RFC 8037 vector, keys as
/// JWKs, and the claims' own checks.
@Suite struct AccessGrantTests {
    static let now = Date(timeIntervalSince1970: 1_764_412_800)
    static let audience = "https://ehr.example.org"

    static func claims(lifetime: TimeInterval = 600, emergencyID: String? = nil) throws -> AccessGrantClaims {
        try AccessGrantClaims(
            issuer: "https://vigil.example.org", person: "per_01JD3V6Q8R0000000000000000", audience: audience,
            device: "dev_01JD3V6Q8R0000000000000000", facility: nil, scope: "phi.read phi.write",
            emergencyID: emergencyID, at: now, lifetime: lifetime)
    }

    /// A token with this header and payload JSON, signed by `key`.
    static func forge(header: String, payload: String, key: Ed25519SigningKey) throws -> String {
        let input = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(payload.utf8))
        return try input + "." + Base64URL.encode(key.sign(Data(input.utf8)))
    }

    static let payload = #"{"aud":"x","device":"d","emergency":false,"exp":2,"iat":1,"iss":"i","jti":"j","nbf":1,"scope":"s","sub":"p"}"#

    @Test func grantsRoundTrip() throws {
        let key = Ed25519SigningKey()
        let claims = try Self.claims(emergencyID: "emg_1")
        let token = try JSONWebToken.sign(claims, with: key)
        let verified = try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: [Ed25519SigningKey().publicKey, key.publicKey])
        #expect(verified.keyID == key.publicKey.id)
        #expect(verified.claims == claims)
        #expect(claims.emergency && claims.exp - claims.iat == 600 && claims.nbf == claims.iat)
        #expect(Base64URL.decode(claims.jti)?.count == 16)
        #expect(try Self.claims().jti != claims.jti)

        let header = try #require(Base64URL.decode(String(token.split(separator: ".")[0])))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"EdDSA","kid":"\#(key.publicKey.id)","typ":"JWT"}"#)
        let payload = try #require(Base64URL.decode(String(token.split(separator: ".")[1])))
        #expect(!String(decoding: payload, as: UTF8.self).contains("facility"))
    }

    @Test func theRFC8037VectorVerifies() throws {
        let secret = try #require(Base64URL.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
        let publicBytes = try #require(Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
        let key = try Ed25519PublicKey(rawRepresentation: publicBytes)
        #expect(try Ed25519SigningKey(rawRepresentation: secret).publicKey == key)
        let signingInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        let vector = signingInput + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        let jws = try JSONWebToken.Compact(parsing: vector)
        #expect(jws.signingInput == Data(signingInput.utf8))
        #expect(jws.isSigned(by: key))
        #expect(!jws.isSigned(by: Ed25519SigningKey().publicKey))
        // The same signature with its second half altered.
        let altered = signingInput + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPbRpEprBpV3eRl1LNCw"
        #expect(try !JSONWebToken.Compact(parsing: altered).isSigned(by: key))
        #expect(String(decoding: jws.payload, as: UTF8.self) == "Example of Ed25519 signing")
        // It names no key, so a grant verifier refuses it.
        #expect(throws: JSONWebTokenError.unknownKey) {
            try JSONWebToken.verify(vector, as: String.self, keys: [key])
        }
    }

    @Test(arguments: ["none", "HS256", "ES256", "RS256", "eddsa", "EdDSA "])
    func otherAlgorithmsAreRefused(_ algorithm: String) throws {
        let key = Ed25519SigningKey()
        let token = try Self.forge(
            header: #"{"alg":"\#(algorithm)","kid":"\#(key.publicKey.id)"}"#, payload: Self.payload, key: key)
        #expect(throws: JSONWebTokenError.unsupportedAlgorithm) {
            try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: [key.publicKey])
        }
        let unsigned = token.prefix(upTo: token.lastIndex(of: ".")!) + "."
        #expect(throws: JSONWebTokenError.unsupportedAlgorithm) {
            try JSONWebToken.verify(String(unsigned), as: AccessGrantClaims.self, keys: [key.publicKey])
        }
    }

    @Test func headersWithoutAlgorithmOrWithCriticalExtensionsAreRefused() throws {
        let key = Ed25519SigningKey()
        let kid = key.publicKey.id
        let cases: [(String, JSONWebTokenError)] = [
            (#"{"kid":"\#(kid)"}"#, .unsupportedAlgorithm),
            (#"{"alg":null,"kid":"\#(kid)"}"#, .unsupportedAlgorithm),
            (#"{"alg":1,"kid":"\#(kid)"}"#, .malformed),
            (#"{"alg":"EdDSA","kid":"\#(kid)","crit":["exp"]}"#, .criticalHeader),
            (#"{"alg":"EdDSA","kid":"\#(kid)","crit":[]}"#, .criticalHeader),
            (#"{"alg":"EdDSA"}"#, .unknownKey),
            (#"["EdDSA"]"#, .malformed),
            (#"{"alg":"EdDSA","kid":"\#(kid)"}"#, .badClaims),
        ]
        for (header, error) in cases {
            let token = try Self.forge(header: header, payload: #"{"claims":"other"}"#, key: key)
            #expect(throws: error) {
                try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: [key.publicKey])
            }
        }
    }

    @Test func tamperedTokensAndWrongKeysAreRefused() throws {
        let key = Ed25519SigningKey()
        let other = Ed25519SigningKey()
        let token = try JSONWebToken.sign(try Self.claims(), with: key)
        var parts = token.split(separator: ".").map(String.init)

        #expect(throws: JSONWebTokenError.unknownKey) {
            try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: [other.publicKey])
        }
        #expect(throws: JSONWebTokenError.unknownKey) {
            try JSONWebToken.verify(token, as: AccessGrantClaims.self, keys: [])
        }
        let forged = try Self.forge(
            header: #"{"alg":"EdDSA","kid":"\#(key.publicKey.id)"}"#, payload: Self.payload, key: other)
        #expect(throws: JSONWebTokenError.badSignature) {
            try JSONWebToken.verify(forged, as: AccessGrantClaims.self, keys: [key.publicKey, other.publicKey])
        }

        let longer = try Self.claims(lifetime: 900)
        parts[1] = Base64URL.encode(try JSONEncoder().encode(longer))
        #expect(throws: JSONWebTokenError.badSignature) {
            try JSONWebToken.verify(parts.joined(separator: "."), as: AccessGrantClaims.self, keys: [key.publicKey])
        }
        var signature = try #require(Base64URL.decode(token.split(separator: ".")[2].description))
        signature[0] ^= 1
        parts = token.split(separator: ".").map(String.init)
        parts[2] = Base64URL.encode(signature)
        #expect(throws: JSONWebTokenError.badSignature) {
            try JSONWebToken.verify(parts.joined(separator: "."), as: AccessGrantClaims.self, keys: [key.publicKey])
        }
        parts[2] = Base64URL.encode(signature.prefix(63))
        #expect(throws: JSONWebTokenError.badSignature) {
            try JSONWebToken.verify(parts.joined(separator: "."), as: AccessGrantClaims.self, keys: [key.publicKey])
        }
    }

    @Test func malformedAndOversizedTokensAreRefused() throws {
        let key = Ed25519SigningKey()
        let token = try JSONWebToken.sign(try Self.claims(), with: key)
        let malformed = [
            "", "..", "a.b", token + ".", "." + token, token.replacingOccurrences(of: ".", with: ".."),
            "=" + token, token + "=", token.replacingOccurrences(of: "e", with: "+"), "é" + token,
        ]
        for text in malformed {
            #expect(throws: JSONWebTokenError.malformed) {
                try JSONWebToken.verify(text, as: AccessGrantClaims.self, keys: [key.publicKey])
            }
        }
        let padded = try Self.forge(
            header: #"{"alg":"EdDSA","kid":"\#(key.publicKey.id)","pad":"\#(String(repeating: "x", count: 8192))"}"#,
            payload: Self.payload, key: key)
        #expect(throws: JSONWebTokenError.tooLong) {
            try JSONWebToken.verify(padded, as: AccessGrantClaims.self, keys: [key.publicKey])
        }
        #expect(throws: JSONWebTokenError.tooLong) {
            try JSONWebToken.verify(String(repeating: "a", count: 8193), as: AccessGrantClaims.self, keys: [key.publicKey])
        }
    }

    @Test func errorsDescribeThemselves() {
        let errors: [JSONWebTokenError] = [.tooLong, .malformed, .unsupportedAlgorithm, .criticalHeader, .unknownKey, .badSignature, .badClaims]
        #expect(Set(errors.map(\.description)).count == errors.count)
        let refusals: [AccessGrantRefusal] = [.expired, .notYetValid, .wrongAudience, .lifetimeTooLong]
        #expect(Set(refusals.map(\.description)).count == refusals.count)
    }

    @Test func keysRoundTripAsJSONWebKeys() throws {
        let keys = [Ed25519SigningKey().publicKey, Ed25519SigningKey().publicKey]
        let set = JSONWebKeySet(keys: keys.map(JSONWebKey.init))
        let json = try JSONEncoder().encode(set)
        let decoded = try JSONDecoder().decode(JSONWebKeySet.self, from: json)
        #expect(decoded == set)
        #expect(decoded.publicKeys == keys)
        let object = try #require(JSONSerialization.jsonObject(with: json) as? [String: [[String: String]]])
        #expect(object["keys"]?.first == [
            "kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(keys[0].rawRepresentation),
            "kid": keys[0].id, "use": "sig", "alg": "EdDSA",
        ])

        var wrong = JSONWebKey(keys[0])
        wrong.kid = keys[1].id
        #expect(wrong.publicKey == nil)
        wrong = JSONWebKey(keys[0])
        wrong.alg = "ES256"
        #expect(wrong.publicKey == nil)
        wrong = JSONWebKey(keys[0])
        wrong.crv = "X25519"
        #expect(wrong.publicKey == nil)
        wrong = JSONWebKey(keys[0])
        wrong.x = String(wrong.x.dropLast())
        #expect(wrong.publicKey == nil)
    }

    @Test func claimsAreCheckedForTimeAndAudience() throws {
        let claims = try Self.claims(lifetime: 600)
        try claims.check(audience: Self.audience, at: Self.now)
        try claims.check(audience: Self.audience, at: Self.now.addingTimeInterval(599))
        try claims.check(audience: Self.audience, at: Self.now.addingTimeInterval(-30))
        #expect(throws: AccessGrantRefusal.expired) {
            try claims.check(audience: Self.audience, at: Self.now.addingTimeInterval(600))
        }
        #expect(throws: AccessGrantRefusal.notYetValid) {
            try claims.check(audience: Self.audience, at: Self.now.addingTimeInterval(-31))
        }
        #expect(throws: AccessGrantRefusal.notYetValid) {
            try claims.check(audience: Self.audience, at: Self.now.addingTimeInterval(-1), leeway: 0)
        }
        #expect(throws: AccessGrantRefusal.wrongAudience) {
            try claims.check(audience: "https://other.example.org", at: Self.now)
        }
    }

    @Test func lifetimesAreBounded() throws {
        #expect(throws: AccessGrantRefusal.lifetimeTooLong) { try Self.claims(lifetime: 901) }
        #expect(throws: AccessGrantRefusal.lifetimeTooLong) { try Self.claims(lifetime: .nan) }
        #expect(throws: AccessGrantRefusal.expired) { try Self.claims(lifetime: 0) }
        #expect(try Self.claims(lifetime: 900).exp - Self.claims(lifetime: 900).iat == 900)

        // A grant signed with a longer life than allowed is refused even while it is current.
        let json = #"{"aud":"\#(Self.audience)","device":"d","emergency":false,"exp":1764413701,"iat":1764412800,"iss":"i","jti":"j","nbf":1764412800,"scope":"s","sub":"p"}"#
        let long = try JSONDecoder().decode(AccessGrantClaims.self, from: Data(json.utf8))
        #expect(throws: AccessGrantRefusal.lifetimeTooLong) { try long.check(audience: Self.audience, at: Self.now) }
        let extreme = json.replacingOccurrences(of: "1764413701", with: "\(Int.max)")
            .replacingOccurrences(of: #""iat":1764412800"#, with: #""iat":\#(Int.min)"#)
        let overflowing = try JSONDecoder().decode(AccessGrantClaims.self, from: Data(extreme.utf8))
        #expect(throws: AccessGrantRefusal.lifetimeTooLong) { try overflowing.check(audience: Self.audience, at: Self.now) }
    }
}
