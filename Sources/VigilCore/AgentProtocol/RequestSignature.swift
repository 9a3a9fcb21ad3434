import Crypto
import Foundation

/// The signature that authenticates every request a device makes within a session:
///
/// ```
/// Authorization: Vigil-Device session=<sessionID>, counter=<n>, signature=<base64url HMAC>
/// ```
///
/// The HMAC-SHA256, keyed with the session key, covers the method, the request target (path and
/// query exactly as sent), the session, the counter and the SHA-256 of the body. The counter must
/// grow with every request of a session, so a replayed request is refused; the key is bound to
/// one device, so one device's session can never act as another.
public struct RequestSignature: Sendable, Equatable {
    /// The authorization scheme.
    public static let scheme = "Vigil-Device"

    public let sessionID: String
    public let counter: UInt64
    /// base64url of the 32-byte HMAC.
    public let signature: String

    public init(sessionID: String, counter: UInt64, signature: String) {
        self.sessionID = sessionID
        self.counter = counter
        self.signature = signature
    }

    /// Signs a request.
    /// - Parameters:
    ///   - method: The HTTP method, such as `POST`.
    ///   - target: The path and query exactly as sent, such as `/agent/v1/checkin`.
    ///   - body: The body's bytes (empty for none).
    ///   - sessionID: The session.
    ///   - counter: A number greater than any this session used before.
    ///   - key: The session key's 32 bytes.
    public static func sign(
        method: String, target: String, body: some DataProtocol, sessionID: String, counter: UInt64,
        key: SymmetricKey
    ) -> RequestSignature {
        let message = canonicalRequest(
            method: method, target: target, body: body, sessionID: sessionID, counter: counter)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return RequestSignature(sessionID: sessionID, counter: counter, signature: Base64URL.encode(mac))
    }

    /// Whether this signature is `key`'s over the request; compares in constant time.
    public func isValid(method: String, target: String, body: some DataProtocol, key: SymmetricKey) -> Bool {
        guard let mac = Base64URL.decode(signature), mac.count == 32 else { return false }
        let message = Self.canonicalRequest(
            method: method, target: target, body: body, sessionID: sessionID, counter: counter)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key)
    }

    /// The bytes the HMAC covers: six lines joined by `\n`.
    public static func canonicalRequest(
        method: String, target: String, body: some DataProtocol, sessionID: String, counter: UInt64
    ) -> Data {
        let bodyHash = Base64URL.encode(SHA256.hash(data: body))
        return Data("vigil-request-v1\n\(method)\n\(target)\n\(sessionID)\n\(counter)\n\(bodyHash)".utf8)
    }

    /// The `Authorization` header value.
    public var header: String {
        "\(Self.scheme) session=\(sessionID), counter=\(counter), signature=\(signature)"
    }

    /// Reads an `Authorization` header value: the scheme, then `session`, `counter` and
    /// `signature` once each, separated by commas, in any order.
    /// - Returns: `nil` for anything else.
    public init?(header: String) {
        guard header.utf8.count <= 256, header.hasPrefix(Self.scheme + " ") else { return nil }
        var fields: [Substring: Substring] = [:]
        for part in header.dropFirst(Self.scheme.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, fields[pair[0]] == nil else { return nil }
            fields[pair[0]] = pair[1]
        }
        guard fields.count == 3, let session = fields["session"], let counterText = fields["counter"],
            let counter = UInt64(counterText), let signature = fields["signature"],
            session.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        self.init(sessionID: String(session), counter: counter, signature: String(signature))
    }
}
