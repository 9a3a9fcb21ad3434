import Crypto
import Foundation
import Testing
import VigilCore

/// The test vectors of `docs/agent-protocol.md`, which were computed independently of this code
/// (Python's `hmac`, `hashlib` and `base64`, and the RFC 8032 reference Ed25519): the Swift
/// implementation must reproduce them byte for byte, so that an agent written from the document
/// alone interoperates with the server.
@Suite struct AgentProtocolVectorTests {
    // MARK: Request signature (docs/agent-protocol.md, "Test vectors", vector 1)

    /// The session key: the bytes 0x00 to 0x1f.
    static let sessionKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    static let sessionKeyBase64URL = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    static let sessionID = "ses_00112233445566778899aabbccddeeff"
    static let body = #"{"agentVersion":"0.1.0","managedApps":[],"osVersion":"17.5.1"}"#
    static let bodyHash = "cVMeqXN7zLT8F5t0e6ZJfajFH1h0NeGLjVMDks9iAj0"
    static let canonicalRequest =
        "vigil-request-v1\nPOST\n/agent/v1/checkin\nses_00112233445566778899aabbccddeeff\n7\n"
        + "cVMeqXN7zLT8F5t0e6ZJfajFH1h0NeGLjVMDks9iAj0"
    static let signature = "zrfD2w2TDCiOISNj_V7JmkCrw6lc9QwySny0mm1lg3w"
    static let header =
        "Vigil-Device session=ses_00112233445566778899aabbccddeeff, counter=7, "
        + "signature=zrfD2w2TDCiOISNj_V7JmkCrw6lc9QwySny0mm1lg3w"

    static var sessionKey: SymmetricKey { SymmetricKey(data: bytes(hex: sessionKeyHex)) }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    @Test func theSessionKeyTravelsAsBase64URL() {
        #expect(Base64URL.encode(Self.bytes(hex: Self.sessionKeyHex)) == Self.sessionKeyBase64URL)
        #expect(Base64URL.decode(Self.sessionKeyBase64URL) == Data(Self.bytes(hex: Self.sessionKeyHex)))
    }

    @Test func theCanonicalRequestIsTheDocumentedSixLines() {
        let canonical = RequestSignature.canonicalRequest(
            method: "POST", target: "/agent/v1/checkin", body: Data(Self.body.utf8), sessionID: Self.sessionID,
            counter: 7)
        #expect(canonical == Data(Self.canonicalRequest.utf8))
        #expect(String(decoding: canonical, as: UTF8.self).split(separator: "\n").count == 6)
        #expect(canonical.last != UInt8(ascii: "\n"), "no trailing newline")
        #expect(Base64URL.encode(SHA256.hash(data: Data(Self.body.utf8))) == Self.bodyHash)
    }

    @Test func theSignatureAndHeaderAreTheDocumentedOnes() {
        let signed = RequestSignature.sign(
            method: "POST", target: "/agent/v1/checkin", body: Data(Self.body.utf8), sessionID: Self.sessionID,
            counter: 7, key: Self.sessionKey)
        #expect(signed.signature == Self.signature)
        #expect(signed.header == Self.header)
        #expect(signed.isValid(method: "POST", target: "/agent/v1/checkin", body: Data(Self.body.utf8), key: Self.sessionKey))
        #expect(!signed.isValid(method: "POST", target: "/agent/v1/key", body: Data(Self.body.utf8), key: Self.sessionKey))
        #expect(!signed.isValid(method: "POST", target: "/agent/v1/checkin", body: Data((Self.body + " ").utf8), key: Self.sessionKey))
    }

    @Test func theRotationExampleIsSignedAsDocumented() throws {
        let body = try VigilJSON.makeEncoder().encode(
            KeyRotationRequest(publicKey: Self.newPublicKey, proof: Self.rotationProof))
        #expect(Base64URL.encode(SHA256.hash(data: body)) == "LscQv0qfQmAc8fvlRNV1qfv3MZoZoDGLyRiySGlrQJM")
        let signed = RequestSignature.sign(
            method: "POST", target: "/agent/v1/key", body: body, sessionID: Self.sessionID, counter: 8,
            key: Self.sessionKey)
        #expect(signed.signature == "Hyk1Tf5hnyMU0OXZfT5j-PPGYj_7atytEqZ230_yvzs")
    }

    @Test func theVectorBodyIsWhatTheSwiftEncoderWritesForThatPosture() throws {
        let encoded = try VigilJSON.makeEncoder().encode(Posture(osVersion: "17.5.1", agentVersion: "0.1.0"))
        #expect(String(decoding: encoded, as: UTF8.self) == Self.body)
    }

    @Test func anEmptyBodyHashesToTheSHA256OfNothing() {
        let canonical = RequestSignature.canonicalRequest(
            method: "POST", target: "/agent/v1/checkin", body: Data(), sessionID: Self.sessionID, counter: 1)
        #expect(String(decoding: canonical, as: UTF8.self).hasSuffix("\n1\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"))
    }

    @Test func theDocumentedHeaderParses() throws {
        let parsed = try #require(RequestSignature(header: Self.header))
        #expect(parsed.sessionID == Self.sessionID)
        #expect(parsed.counter == 7)
        #expect(parsed.signature == Self.signature)
        #expect(parsed.isValid(method: "POST", target: "/agent/v1/checkin", body: Data(Self.body.utf8), key: Self.sessionKey))
    }

    @Test(arguments: [
        "",
        "Vigil-Device",
        "Bearer vigil_AAAA",
        "vigil-device session=ses_1, counter=7, signature=abc",
        "Vigil-Device session=ses_1, counter=7",
        "Vigil-Device session=ses_1, counter=7, signature=abc, extra=1",
        "Vigil-Device session=ses_1, session=ses_2, counter=7, signature=abc",
        "Vigil-Device session=ses_1, counter=seven, signature=abc",
        "Vigil-Device session=ses_1, counter=-1, signature=abc",
        "Vigil-Device session=ses_1, counter=18446744073709551616, signature=abc",
        "Vigil-Device session=ses-1, counter=7, signature=abc",
        "Vigil-Device session=ses 1, counter=7, signature=abc",
        "Vigil-Device session, counter=7, signature=abc",
        "Vigil-Device session=ses_1, counter=7, signature=" + String(repeating: "A", count: 256),
    ])
    func malformedHeadersAreRefused(_ header: String) {
        #expect(RequestSignature(header: header) == nil)
    }

    // MARK: Enrollment code (vector 2)

    static let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    @Test(arguments: ["k7qf2-9m2xa-obil0-zzzzz", "K7QF2 9M2XA 0B110 ZZZZZ", "k7qf29m2xaobil0zzzzz", " K7QF2-9M2XA-OBIL0-ZZZZZ "])
    func typedCodesNormalizeAsDocumented(_ typed: String) throws {
        let code = try #require(EnrollmentCode(typed: typed))
        #expect(code.normalized == "K7QF29M2XA0B110ZZZZZ")
        #expect(code.display == "K7QF2-9M2XA-0B110-ZZZZZ")
        #expect(code.hash == "7b1bbee860651698e9424193de2c03143a08a3c741cd453fd6423187e1b21e71")
    }

    @Test(arguments: [
        "K7QF2-9M2XA-0B110-ZZZZU",  // U is not in the alphabet
        "K7QF2-9M2XA-0B110-ZZZZ",  // 19 characters
        "K7QF2-9M2XA-0B110-ZZZZZ0",  // 21 characters
        "K7QF2_9M2XA_0B110_ZZZZZ",  // only dashes and spaces are dropped
        "K7QF2-9M2XA-0B110-ZZZZÉ",
    ])
    func otherTextIsNotACode(_ typed: String) {
        #expect(EnrollmentCode(typed: typed) == nil)
    }

    @Test func theAlphabetIsCrockfordBase32() throws {
        #expect(Set(Self.alphabet).count == 32)
        let all = try #require(EnrollmentCode(typed: String(Self.alphabet.prefix(20))))
        #expect(all.normalized == String(Self.alphabet.prefix(20)))
        let rest = try #require(EnrollmentCode(typed: String(Self.alphabet.suffix(20)).lowercased()))
        #expect(rest.normalized == String(Self.alphabet.suffix(20)))
        for generated in (0..<50).map({ _ in EnrollmentCode.generate() }) {
            #expect(generated.normalized.count == 20)
            #expect(generated.normalized.allSatisfy { Self.alphabet.contains($0) })
            #expect(EnrollmentCode(typed: generated.display) == generated)
        }
    }

    // MARK: Ed25519 messages (vector 3)

    static let devicePrivateKeyHex = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    static let devicePublicKey = "Kay64UG8yvCyLhqU000LxzYeUm0L_hLIl5S8kyKWbdc"
    static let enrollmentProof =
        "HURLOT6ZEbrHbFn5JXaGxgb32xMMgu0gq1z-yzmlxZgu-MXSimUyTbR1RjZ1wptCUZjhUAqmfCbrJbcN_eZnDA"
    static let deviceID = DeviceID(rawValue: "dev_01JD3V6Q8R0000000000000000")
    static let challenge = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8"
    static let sessionSignature =
        "Wgcv6WSiNNRQ0lr1DvtSc0fP0M8y30JkITOykNTggOnf5zmoI6_J0oWfycbXJF-cN2BdATi6JVU9SAVgIU8iBw"
    static let newPrivateKeyHex = "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    static let newPublicKey = "F0VTtFbd38aQjsqxwQH-arIeK6oGF3lbfUOmNIKZP9U"
    static let rotationProof =
        "Cj_oGyBK5lZJXV4XkMkCrXj3SsLj3K8wiYd1Sf691MohoEGIl1byNvlfpJQDG-FILBEe5FxTX9cy1RlimL1ACQ"

    @Test func publicKeysAreTheRaw32BytesAsBase64URL() throws {
        let device = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.bytes(hex: Self.devicePrivateKeyHex))
        #expect(Base64URL.encode(device.publicKey.rawRepresentation) == Self.devicePublicKey)
        let new = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.bytes(hex: Self.newPrivateKeyHex))
        #expect(Base64URL.encode(new.publicKey.rawRepresentation) == Self.newPublicKey)
    }

    @Test func theSignedMessagesAreTheDocumentedBytes() throws {
        let code = try #require(EnrollmentCode(typed: "k7qf2-9m2xa-obil0-zzzzz"))
        let proofMessage = Enrollment.proofMessage(code: code, publicKey: Self.devicePublicKey)
        #expect(proofMessage == Data("vigil-enroll-v1\nK7QF29M2XA0B110ZZZZZ\n\(Self.devicePublicKey)".utf8))
        let sessionMessage = SessionRequest.sessionMessage(deviceID: Self.deviceID, challenge: Self.challenge)
        #expect(sessionMessage == Data("vigil-session-v1\ndev_01JD3V6Q8R0000000000000000\n\(Self.challenge)".utf8))
        let rotationMessage = KeyRotationRequest.rotationMessage(deviceID: Self.deviceID, publicKey: Self.newPublicKey)
        #expect(rotationMessage == Data("vigil-rotate-v1\ndev_01JD3V6Q8R0000000000000000\n\(Self.newPublicKey)".utf8))

        // Ed25519 signatures are deterministic (RFC 8032), but some implementations add
        // randomness; so check that the documented ones verify rather than comparing bytes.
        let deviceKey = try #require(DevicePublicKey(Self.devicePublicKey))
        #expect(deviceKey.isValidSignature(Self.enrollmentProof, of: proofMessage))
        #expect(deviceKey.isValidSignature(Self.sessionSignature, of: sessionMessage))
        #expect(!deviceKey.isValidSignature(Self.sessionSignature, of: proofMessage))
        let newKey = try #require(DevicePublicKey(Self.newPublicKey))
        #expect(newKey.isValidSignature(Self.rotationProof, of: rotationMessage))
        #expect(!deviceKey.isValidSignature(Self.rotationProof, of: rotationMessage))
    }
}
