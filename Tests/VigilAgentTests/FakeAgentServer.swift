import Crypto
import Foundation
import VigilAgent
import VigilCore

/// An in-memory server that follows the agent protocol's wire rules strictly, so that the
/// client's requests are checked as the real server would check them.
actor FakeAgentServer: AgentTransport {
    static let url = URL(string: "http://vigil.test:8080")!
    static let code = "K7QF2-9M2XA-4D8HN-1TBPC"

    struct Session {
        let deviceID: DeviceID
        let key: SymmetricKey
        var lastCounter: UInt64
    }

    let deviceID = DeviceID.generate(at: Date())
    private(set) var publicKey: String?
    private(set) var requests: [AgentHTTPRequest] = []
    private(set) var sessions: [String: Session] = [:]
    private(set) var sessionsOpened = 0
    private var challenges: Set<String> = []
    private var sessionLifetime: TimeInterval = 3_600
    private var isRetired = false
    private var refusesRotation = false

    /// A server where `key` is enrolled already.
    init(enrolled key: DeviceKey? = nil) {
        publicKey = key?.publicKey
    }

    func retire() { isRetired = true }
    func refuseRotations() { refusesRotation = true }
    func setSessionLifetime(_ seconds: TimeInterval) { sessionLifetime = seconds }
    func forgetSessions() { sessions = [:] }

    /// The requests sent to `route`.
    func requests(to route: String) -> [AgentHTTPRequest] {
        requests.filter { $0.url.path == "\(AgentProtocol.basePath)/\(route)" }
    }

    func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        requests.append(request)
        guard request.method == "POST", request.headers["Content-Type"] == "application/json" else {
            return problem(415, "unsupported-media-type")
        }
        switch request.url.path.replacingOccurrences(of: AgentProtocol.basePath + "/", with: "") {
        case "enroll": return enroll(try decode(request))
        case "challenge": return challenge(try decode(request))
        case "session": return openSession(try decode(request))
        case "checkin": return signed(request) { deviceID in checkIn(deviceID) }
        case "key": return try signed(request) { _ in rotate(try decode(request)) }
        default: return problem(404, "not-found")
        }
    }

    private func enroll(_ request: EnrollmentRequest) -> AgentHTTPResponse {
        guard let code = EnrollmentCode(typed: request.code), code == EnrollmentCode(typed: Self.code),
            publicKey == nil
        else { return problem(403, "enrollment-refused") }
        guard let key = DevicePublicKey(request.publicKey),
            key.isValidSignature(request.proof, of: Enrollment.proofMessage(code: code, publicKey: request.publicKey))
        else { return problem(403, "enrollment-refused") }
        publicKey = request.publicKey
        return answer(201, EnrollmentResponse(
            deviceID: deviceID, approval: .approved, ownership: .corporate, deviceClass: .pc,
            checkInIntervalSeconds: 900))
    }

    private func challenge(_ request: ChallengeRequest) -> AgentHTTPResponse {
        guard request.deviceID == deviceID else { return problem(401, "device-unauthenticated") }
        let challenge = Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
        challenges.insert(challenge)
        return answer(200, ChallengeResponse(challenge: challenge, expiresAt: Date().addingTimeInterval(60)))
    }

    private func openSession(_ request: SessionRequest) -> AgentHTTPResponse {
        guard request.deviceID == deviceID, challenges.remove(request.challenge) != nil, let publicKey,
            let key = DevicePublicKey(publicKey),
            key.isValidSignature(
                request.signature,
                of: SessionRequest.sessionMessage(deviceID: request.deviceID, challenge: request.challenge))
        else { return problem(401, "device-unauthenticated") }
        if isRetired { return problem(403, "device-retired") }
        sessionsOpened += 1
        let id = "ses_\(sessionsOpened)"
        let sessionKey = SymmetricKey(size: .bits256)
        sessions[id] = Session(deviceID: deviceID, key: sessionKey, lastCounter: 0)
        return answer(201, SessionResponse(
            sessionID: id, sessionKey: Base64URL.encode(sessionKey.withUnsafeBytes { Data($0) }),
            expiresAt: Date().addingTimeInterval(sessionLifetime)))
    }

    /// Checks the request's signature and counter, then answers with `handler`.
    private func signed(
        _ request: AgentHTTPRequest, _ handler: (DeviceID) throws -> AgentHTTPResponse
    ) rethrows -> AgentHTTPResponse {
        guard let header = request.headers["Authorization"], let signature = RequestSignature(header: header),
            var session = sessions[signature.sessionID], signature.counter > session.lastCounter,
            signature.isValid(
                method: request.method, target: Self.target(of: request), body: request.body, key: session.key)
        else { return problem(401, "device-unauthenticated") }
        if isRetired { return problem(403, "device-retired") }
        session.lastCounter = signature.counter
        sessions[signature.sessionID] = session
        return try handler(session.deviceID)
    }

    private func checkIn(_ deviceID: DeviceID) -> AgentHTTPResponse {
        answer(200, CheckInResponse(
            deviceID: deviceID, approval: .approved, approvalReason: nil, compliance: .notEvaluated,
            access: AccessStatus(state: .notEvaluated, reasons: []), commands: [], nextCheckInSeconds: 900,
            serverTime: Date()))
    }

    private func rotate(_ request: KeyRotationRequest) -> AgentHTTPResponse {
        guard !refusesRotation, let key = DevicePublicKey(request.publicKey),
            key.isValidSignature(
                request.proof, of: KeyRotationRequest.rotationMessage(deviceID: deviceID, publicKey: request.publicKey))
        else { return problem(400, "invalid-field") }
        publicKey = request.publicKey
        sessions = [:]
        return answer(200, KeyRotationResponse(deviceID: deviceID, rotatedAt: Date()))
    }

    /// The session key the server holds for `id`.
    func sessionKey(_ id: String) -> SymmetricKey? { sessions[id]?.key }

    /// The request's path and query, read independently of the client.
    static func target(of request: AgentHTTPRequest) -> String {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)!
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
    }

    private func decode<Message: Decodable>(_ request: AgentHTTPRequest) throws -> Message {
        try VigilJSON.makeDecoder().decode(Message.self, from: request.body)
    }

    private func answer(_ status: Int, _ message: some Encodable) -> AgentHTTPResponse {
        AgentHTTPResponse(
            status: status, headers: ["Content-Type": "application/json"],
            body: try! VigilJSON.makeEncoder().encode(message))
    }

    private func problem(_ status: Int, _ kind: String) -> AgentHTTPResponse {
        let body: [String: String] = [
            "type": "urn:vigil:problem:\(kind)", "title": kind, "detail": "refused: \(kind)", "requestID": "req_1",
        ]
        return AgentHTTPResponse(
            status: status, headers: ["Content-Type": "application/problem+json"],
            body: try! JSONEncoder().encode(body))
    }
}
