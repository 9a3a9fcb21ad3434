import Crypto
import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import VigilServer
import VigilCore
import VigilStore
import VigilTestSupport

/// Each attack on device authentication, attempted for real.
@Suite struct DeviceAuthenticationTests {
    @Test(arguments: StoreBackend.available)
    func aReplayedRequestIsRefusedAndRecorded(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let body = try VigilJSON.makeEncoder().encode(TestDevice.posture)
            let headers = device.signedHeaders(.post, "/agent/v1/checkin", body: body)
            for expected in [HTTPResponse.Status.ok, .unauthorized] {
                let response = try await server.client.executeRequest(
                    uri: "/agent/v1/checkin", method: .post, headers: headers, body: ByteBuffer(bytes: body))
                #expect(response.status == expected, "\(response.text)")
            }
            // An older counter is a replay too, even with a fresh signature.
            device.counter = 0
            #expect(try await device.checkIn(server).status == .unauthorized)
            let failures = try await server.store.auditEvents(AuditEventFilter(action: .authenticationFailed), .first)
            #expect(failures.items.map(\.reason) == ["device replayed_counter", "device replayed_counter"])
            let deviceID = try #require(device.deviceID)
            #expect(failures.items.allSatisfy { $0.actor == .device(deviceID) && $0.target == .device(deviceID) })
        }
    }

    @Test func aTamperedRequestIsRefused() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let body = try VigilJSON.makeEncoder().encode(TestDevice.posture)
            var changed = TestDevice.posture
            changed.jailbroken = true
            let headers = device.signedHeaders(.post, "/agent/v1/checkin", body: body)
            let response = try await server.client.executeRequest(
                uri: "/agent/v1/checkin", method: .post, headers: headers,
                body: ByteBuffer(bytes: try VigilJSON.makeEncoder().encode(changed)))
            #expect(response.status == .unauthorized)
            #expect(try response.string("type") == "urn:vigil:problem:device-unauthenticated")
            let other = device.signedHeaders(.post, "/agent/v1/key", body: body)
            let moved = try await server.client.executeRequest(
                uri: "/agent/v1/checkin", method: .post, headers: other, body: ByteBuffer(bytes: body))
            #expect(moved.status == .unauthorized, "a signature for another route is refused")
            let unsigned = try await server.post("/agent/v1/checkin", TestDevice.posture)
            #expect(unsigned.status == .unauthorized)
            let stored = try await server.store.device(id: try #require(device.deviceID))
            #expect(stored?.posture == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func oneDeviceCanNeverActAsAnother(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let nurse = server.cast.person(.clinician)
            var deviceA = try await TestDevice.enrolled(server, for: nurse)
            let deviceB = try await TestDevice.enrolled(server, for: nurse)
            let idB = try #require(deviceB.deviceID)
            // A signs B's challenge with its own key.
            let impersonation = try await deviceA.sessionResponse(server, claiming: idB)
            #expect(impersonation.status == .unauthorized)
            // A's session key signs a check-in: it lands on A, whatever B is.
            let answer = try server.decodeCheckIn(try await deviceA.checkIn(server))
            #expect(answer.deviceID == deviceA.deviceID)
            #expect(try await server.store.device(id: idB)?.lastSeenAt == nil)
            // A challenge issued for B cannot open a session for A.
            let challenge = try await server.post("/agent/v1/challenge", ChallengeRequest(deviceID: idB))
            let issued = try VigilJSON.makeDecoder().decode(ChallengeResponse.self, from: Data(buffer: challenge.body))
            let idA = try #require(deviceA.deviceID)
            let signature = Base64URL.encode(
                try deviceA.key.signature(for: SessionRequest.sessionMessage(deviceID: idA, challenge: issued.challenge)))
            let swapped = try await server.post(
                "/agent/v1/session", SessionRequest(deviceID: idA, challenge: issued.challenge, signature: signature))
            #expect(swapped.status == .unauthorized)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aRetiredDeviceIsShutOutAtOnce(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            #expect(try await device.checkIn(server).status == .ok)
            let retired = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/retire", as: .admin,
                body: #"{"disposition":"stolen","custodian":"Security office, case 2026-114"}"#)
            #expect(retired.status == .ok, "\(retired.text)")
            #expect(try retired.string("status") == "retired")
            #expect(try await device.checkIn(server).status == .unauthorized)
            let reopen = try await device.sessionResponse(server)
            #expect(reopen.status == .forbidden)
            #expect(try reopen.string("type") == "urn:vigil:problem:device-retired")
            let twice = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/retire", as: .admin,
                body: #"{"disposition":"stolen","custodian":"x"}"#)
            #expect(twice.status == .badRequest)
            let record = try #require(try await server.store.device(id: deviceID))
            #expect(record.retirement?.disposition == .stolen)
            #expect(record.retirement?.retiredBy == server.cast.person(.admin).id)
        }
    }

    @Test(arguments: StoreBackend.available)
    func rotatingTheKeyEndsTheOldCredential(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            let newKey = Curve25519.Signing.PrivateKey()
            let newPublic = Base64URL.encode(newKey.publicKey.rawRepresentation)
            let badProof = Base64URL.encode(
                try device.key.signature(for: KeyRotationRequest.rotationMessage(deviceID: deviceID, publicKey: newPublic)))
            let refused = try await device.signed(
                server, "/agent/v1/key",
                body: try VigilJSON.makeEncoder().encode(KeyRotationRequest(publicKey: newPublic, proof: badProof)))
            #expect(refused.status == .badRequest)
            let proof = Base64URL.encode(
                try newKey.signature(for: KeyRotationRequest.rotationMessage(deviceID: deviceID, publicKey: newPublic)))
            let rotated = try await device.signed(
                server, "/agent/v1/key",
                body: try VigilJSON.makeEncoder().encode(KeyRotationRequest(publicKey: newPublic, proof: proof)))
            #expect(rotated.status == .ok, "\(rotated.text)")

            #expect(try await device.checkIn(server).status == .unauthorized, "the old session ended")
            #expect(try await device.sessionResponse(server).status == .unauthorized, "the old key no longer works")
            device.key = newKey
            try await device.openSession(server)
            #expect(try await device.checkIn(server).status == .ok)
            #expect(try await server.store.device(id: deviceID)?.publicKey == newPublic)
        }
    }

    @Test func badEnrollmentProofsAndChallengesAreRefused() async throws {
        try await TestServer.run { server in
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician))
            var device = TestDevice()
            let impostor = Curve25519.Signing.PrivateKey()
            let normalized = try #require(EnrollmentCode(typed: code)).normalized
            let proof = Base64URL.encode(
                try impostor.signature(for: Data("vigil-enroll-v1\n\(normalized)\n\(device.publicKey)".utf8)))
            let response = try await server.post(
                "/agent/v1/enroll",
                EnrollmentRequest(
                    code: code, publicKey: device.publicKey, proof: proof,
                    facts: DeviceFacts(platform: .ios, model: "iPhone", osVersion: "18")))
            #expect(response.status == .forbidden)
            #expect(try response.string("field") == "proof")
            #expect(try await device.enroll(server, code: code).status == .created, "a refused proof does not use the code")

            let deviceID = try #require(device.deviceID)
            let challenge = try await server.post("/agent/v1/challenge", ChallengeRequest(deviceID: deviceID))
            let issued = try VigilJSON.makeDecoder().decode(ChallengeResponse.self, from: Data(buffer: challenge.body))
            let signature = Base64URL.encode(
                try device.key.signature(for: SessionRequest.sessionMessage(deviceID: deviceID, challenge: issued.challenge)))
            let request = SessionRequest(deviceID: deviceID, challenge: issued.challenge, signature: signature)
            #expect(try await server.post("/agent/v1/session", request).status == .created)
            #expect(try await server.post("/agent/v1/session", request).status == .unauthorized, "a challenge is single-use")
            let unknown = try await server.post(
                "/agent/v1/challenge", ChallengeRequest(deviceID: DeviceID.generate(at: Date())))
            #expect(unknown.status == .notFound)
        }
    }
}

/// What the server does when a replica's memory lags behind the database, and the limits that
/// keep one device from crowding out others.
@Suite struct DeviceSessionEdgeTests {
    @Test(arguments: StoreBackend.available)
    func aDeviceRetiredElsewhereIsRefusedByTheCheckInWriteItself(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            // Retired in the database only, as another replica would: this process keeps the session.
            _ = try await server.store.updateDevice(id: deviceID, audit: Fixtures.audit()) {
                try $0.retire(
                    disposition: .lost, custodian: "Security", note: nil, by: server.cast.person(.admin).id,
                    at: Fixtures.now)
            }
            let checkIn = try await device.checkIn(server)
            #expect(checkIn.status == .forbidden)
            #expect(try checkIn.string("type") == "urn:vigil:problem:device-retired")
            #expect(try await device.checkIn(server).status == .unauthorized, "the refusal ended the session")

            var other = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let otherID = try #require(other.deviceID)
            _ = try await server.store.updateDevice(id: otherID, audit: Fixtures.audit()) {
                try $0.retire(
                    disposition: .destroyed, custodian: "IT", note: nil, by: server.cast.person(.admin).id,
                    at: Fixtures.now)
            }
            let newKey = Curve25519.Signing.PrivateKey()
            let publicKey = Base64URL.encode(newKey.publicKey.rawRepresentation)
            let proof = Base64URL.encode(
                try newKey.signature(for: KeyRotationRequest.rotationMessage(deviceID: otherID, publicKey: publicKey)))
            let rotation = try await other.signed(
                server, "/agent/v1/key",
                body: try VigilJSON.makeEncoder().encode(KeyRotationRequest(publicKey: publicKey, proof: proof)))
            #expect(rotation.status == .forbidden)
            #expect(try rotation.string("type") == "urn:vigil:problem:device-retired")
        }
    }

    @Test func aSessionOpenedFromAKeyReadBeforeItsSessionsEndedIsRefused() {
        let sessions = DeviceSessions()
        let deviceID = DeviceID.generate(at: Date())
        let generation = sessions.generation(of: deviceID)
        #expect(sessions.open(for: deviceID, ownership: .corporate, at: Date(), generation: generation) != nil)
        sessions.endSessions(of: deviceID)  // a key rotation lands while a session is being opened
        #expect(sessions.open(for: deviceID, ownership: .corporate, at: Date(), generation: generation) == nil)
        #expect(
            sessions.open(for: deviceID, ownership: .corporate, at: Date(), generation: sessions.generation(of: deviceID))
                != nil)
    }

    @Test func oneDeviceCannotCrowdOutAnothersChallenges() throws {
        let sessions = DeviceSessions()
        let now = Date()
        let victim = DeviceID.generate(at: now)
        let flooder = DeviceID.generate(at: now)
        let kept = try #require(sessions.issueChallenge(for: victim, at: now))
        let first = try #require(sessions.issueChallenge(for: flooder, at: now))
        for _ in 0..<1_000 { _ = sessions.issueChallenge(for: flooder, at: now) }
        #expect(!sessions.takeChallenge(first.challenge, for: flooder, at: now), "the flooder's oldest went first")
        #expect(sessions.takeChallenge(kept.challenge, for: victim, at: now))
    }
}
