import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilCore

/// A device speaking the agent protocol by hand, so that tests can also break its rules.
struct TestDevice: Sendable {
    var key = Curve25519.Signing.PrivateKey()
    var deviceID: DeviceID?
    var sessionID = ""
    var sessionKey = SymmetricKey(size: .bits256)
    var counter: UInt64 = 0

    var publicKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }

    /// Creates an invitation as the administrator and returns its code.
    static func invite(
        _ server: TestServer, for person: Person, ownership: Ownership = .corporate,
        deviceClass: DeviceClass = .phone
    ) async throws -> String {
        let response = try await server.send(
            .post, "/api/v1/enrollment-invitations", as: .admin,
            body: #"{"personID":"\#(person.id)","ownership":"\#(ownership.rawValue)","deviceClass":"\#(deviceClass.rawValue)"\#(deviceClass == .medicalDevice ? #","medicalKind":"cpap""# : "")}"#)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.string("code"))
    }

    /// Enrolls with `code`, reporting `facts` (a Pixel 8 with `hardwareID` when `nil`).
    mutating func enroll(
        _ server: TestServer, code: String, hardwareID: String? = "SN-42", facts: DeviceFacts? = nil
    ) async throws -> TestResponse {
        let normalized = EnrollmentCode(typed: code)?.normalized ?? code
        let proof = Base64URL.encode(
            try key.signature(for: Data("vigil-enroll-v1\n\(normalized)\n\(publicKey)".utf8)))
        let request = EnrollmentRequest(
            code: code, publicKey: publicKey, proof: proof,
            facts: facts ?? DeviceFacts(platform: .android, model: "Pixel 8", osVersion: "15", hardwareID: hardwareID))
        let response = try await server.post("/agent/v1/enroll", request)
        if response.status == .created {
            deviceID = try VigilJSON.makeDecoder().decode(EnrollmentResponse.self, from: Data(buffer: response.body))
                .deviceID
        }
        return response
    }

    /// Enrolls with a fresh invitation for `person`, reporting `facts` (see ``enroll(_:code:hardwareID:facts:)``).
    static func enrolled(
        _ server: TestServer, for person: Person, ownership: Ownership = .corporate, facts: DeviceFacts? = nil
    ) async throws -> TestDevice {
        var device = TestDevice()
        let response = try await device.enroll(
            server, code: try await invite(server, for: person, ownership: ownership), facts: facts)
        #expect(response.status == .created, "\(response.text)")
        try await device.openSession(server)
        return device
    }

    /// Asks for a challenge for `id` (this device by default) and signs it with this device's key.
    func sessionResponse(_ server: TestServer, claiming id: DeviceID? = nil) async throws -> TestResponse {
        let claimed = try #require(id ?? deviceID)
        let challengeResponse = try await server.post("/agent/v1/challenge", ChallengeRequest(deviceID: claimed))
        guard challengeResponse.status == .ok else { return challengeResponse }
        let challenge = try VigilJSON.makeDecoder().decode(ChallengeResponse.self, from: Data(buffer: challengeResponse.body))
        let signature = Base64URL.encode(
            try key.signature(for: SessionRequest.sessionMessage(deviceID: claimed, challenge: challenge.challenge)))
        return try await server.post(
            "/agent/v1/session",
            SessionRequest(deviceID: claimed, challenge: challenge.challenge, signature: signature))
    }

    /// Opens a session and keeps its key.
    mutating func openSession(_ server: TestServer) async throws {
        let response = try await sessionResponse(server)
        #expect(response.status == .created, "\(response.text)")
        let session = try VigilJSON.makeDecoder().decode(SessionResponse.self, from: Data(buffer: response.body))
        sessionID = session.sessionID
        sessionKey = SymmetricKey(data: try #require(Base64URL.decode(session.sessionKey)))
        counter = 0
    }

    /// The headers of a signed request.
    mutating func signedHeaders(_ method: HTTPRequest.Method, _ target: String, body: Data) -> HTTPFields {
        counter += 1
        let signature = RequestSignature.sign(
            method: method.rawValue, target: target, body: body, sessionID: sessionID, counter: counter,
            key: sessionKey)
        return [.authorization: signature.header, .contentType: "application/json"]
    }

    /// Sends a signed request.
    mutating func signed(
        _ server: TestServer, _ target: String, method: HTTPRequest.Method = .post, body: Data
    ) async throws -> TestResponse {
        let headers = signedHeaders(method, target, body: body)
        return try await server.client.executeRequest(
            uri: target, method: method, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// Checks in with `posture`.
    mutating func checkIn(_ server: TestServer, _ posture: Posture = TestDevice.posture) async throws -> TestResponse {
        try await signed(server, "/agent/v1/checkin", body: try VigilJSON.makeEncoder().encode(posture))
    }

    static let posture = Posture(
        osVersion: "15", securityPatchDate: "2026-11-01", passcodeSet: true, passcodeLengthClass: .medium,
        storageEncrypted: true, jailbroken: false, screenLockTimeoutSeconds: 60, agentVersion: "0.1.0",
        batteryPercent: 64, managedApps: [ManagedApp(id: "org.hospital.ehr", version: "4.2.0")])
}

extension TestServer {
    /// Posts a JSON body without credentials.
    func post(_ uri: String, _ body: some Encodable) async throws -> TestResponse {
        try await client.executeRequest(
            uri: uri, method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(bytes: try VigilJSON.makeEncoder().encode(body)))
    }

    /// The check-in response of a successful check-in.
    func decodeCheckIn(_ response: TestResponse) throws -> CheckInResponse {
        #expect(response.status == .ok, "\(response.text)")
        return try VigilJSON.makeDecoder().decode(CheckInResponse.self, from: Data(buffer: response.body))
    }
}
