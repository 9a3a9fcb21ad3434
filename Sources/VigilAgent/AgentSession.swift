import Crypto
import Foundation
import VigilCore

/// An open session: the key that signs requests and the counter that orders them.
struct AgentSession: Sendable {
    /// Open a new session when the current one ends within this many seconds.
    static let renewalMargin: TimeInterval = 60

    let id: String
    let key: SymmetricKey
    let expiresAt: Date
    /// The counter of the last signed request; the first request carries 1.
    private(set) var counter: UInt64 = 0

    /// Reads the server's answer to `POST /agent/v1/session`.
    /// - Throws: ``AgentError/invalidResponse(_:)`` when the key is not 32 bytes of base64url.
    init(_ response: SessionResponse) throws {
        guard let key = Base64URL.decode(response.sessionKey), key.count == 32 else {
            throw AgentError.invalidResponse("the session key is not 32 bytes of base64url")
        }
        self.id = response.sessionID
        self.key = SymmetricKey(data: key)
        self.expiresAt = response.expiresAt
    }

    /// Whether the session is too close to its end to start a request with.
    func needsRenewal(at now: Date) -> Bool {
        expiresAt.timeIntervalSince(now) < Self.renewalMargin
    }

    /// Adds the `Authorization` header of the session's next counter to `request`.
    mutating func sign(_ request: inout AgentHTTPRequest) {
        counter += 1
        let signature = RequestSignature.sign(
            method: request.method, target: request.target, body: request.body, sessionID: id, counter: counter,
            key: key)
        request.headers["Authorization"] = signature.header
    }
}
