import Foundation
import VigilCore

extension AgentClient {
    /// Posts `message` to `route`, signed on the current session, and reads the answer.
    ///
    /// Opens a session first when there is none or it ends within a minute. When the server
    /// answers 401 (the session expired, was ended or is unknown), opens a new session and sends
    /// the request once more.
    func sendSigned<Answer: Decodable>(_ route: String, _ message: some Encodable, expecting status: Int)
        async throws -> Answer
    {
        try await sendSigned(try wire.post(route, message), expecting: status)
    }

    /// Reads `route` with a signed `GET`, like ``sendSigned(_:_:expecting:)``.
    func fetchSigned<Answer: Decodable>(_ route: String, expecting status: Int) async throws -> Answer {
        try await sendSigned(try wire.get(route), expecting: status)
    }

    /// Signs and sends `request` on the session, opening a new one once if the server forgot it.
    private func sendSigned<Answer: Decodable>(_ request: AgentHTTPRequest, expecting status: Int) async throws -> Answer {
        var response = try await sendOnSession(request)
        if response.status == 401 {
            session = nil
            response = try await sendOnSession(request)
        }
        return try wire.decode(response, expecting: status)
    }

    /// Signs `request` with the session's next counter and sends it.
    private func sendOnSession(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        try await wire.transport.send(try await signedOnSession(request))
    }

    /// Signs a request with the session, opening or renewing it first when needed.
    func signedOnSession(_ request: AgentHTTPRequest) async throws -> AgentHTTPRequest {
        var current: AgentSession
        if let session, !session.needsRenewal(at: Date()) {
            current = session
        } else {
            current = try await openSession()
        }
        var signed = request
        current.sign(&signed)
        session = current
        return signed
    }

    /// Opens a session with the device key. When the server refuses the key and a rotation was
    /// interrupted after the server took the new key, opens it with the new key and keeps that.
    func openSession() async throws -> AgentSession {
        do {
            return try await openSession(with: state.key)
        } catch AgentError.server(status: 401, let kind, let detail) {
            guard let staged = try? store.loadStaged(), staged.deviceID == deviceID,
                let opened = try? await openSession(with: staged.key)
            else { throw AgentError.server(status: 401, kind: kind, detail: detail) }
            try store.commitStaged()
            state = staged
            return opened
        }
    }

    /// Asks for a challenge, signs it with `key` and opens a session.
    private func openSession(with key: DeviceKey) async throws -> AgentSession {
        let challenge: ChallengeResponse = try await wire.exchange(
            "challenge", ChallengeRequest(deviceID: deviceID), expecting: 200)
        let signature = try key.sign(SessionRequest.sessionMessage(deviceID: deviceID, challenge: challenge.challenge))
        let response: SessionResponse = try await wire.exchange(
            "session", SessionRequest(deviceID: deviceID, challenge: challenge.challenge, signature: signature),
            expecting: 201)
        return try AgentSession(response)
    }
}
