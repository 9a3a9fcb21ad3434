import Crypto
import Foundation
import Testing
import VigilAgent
import VigilCore

@Suite struct AgentClientTests {
    static let posture = Posture(osVersion: "Debian GNU/Linux 12 (bookworm)", agentVersion: VigilAgentVersion.current)
    static let facts = DeviceFacts(platform: .linux, model: "Linux host", osVersion: "12")

    /// A client enrolled with `server`, and its store.
    static func enrolledClient(_ server: FakeAgentServer) async throws -> (AgentClient, AgentStateStore) {
        let store = AgentStateStore.temporary()
        let (client, _) = try await AgentClient.enroll(
            serverURL: FakeAgentServer.url, code: FakeAgentServer.code, facts: facts, store: store, transport: server)
        return (client, store)
    }

    @Test func enrollmentSendsAProofOfTheNewKeyAndStoresTheIdentity() async throws {
        let server = FakeAgentServer()
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        let (client, response) = try await AgentClient.enroll(
            serverURL: FakeAgentServer.url, code: "k7qf2 9m2xa 4d8hn 1tbpc", facts: Self.facts, store: store,
            transport: server)
        #expect(response.deviceID == client.deviceID)
        let sent = try #require(await server.requests(to: "enroll").first)
        let request = try VigilJSON.makeDecoder().decode(EnrollmentRequest.self, from: sent.body)
        let code = try #require(EnrollmentCode(typed: FakeAgentServer.code))
        #expect(request.code == code.normalized)
        #expect(request.facts == Self.facts)
        let key = try #require(DevicePublicKey(request.publicKey))
        let proofMessage = Enrollment.proofMessage(code: code, publicKey: request.publicKey)
        #expect(key.isValidSignature(request.proof, of: proofMessage))
        let stored = try store.load()
        #expect(stored.deviceID == response.deviceID)
        #expect(stored.key.publicKey == request.publicKey)
        #expect(stored.serverURL == FakeAgentServer.url)
    }

    @Test func enrollmentChecksLocallyBeforeContactingTheServer() async throws {
        let server = FakeAgentServer()
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        await #expect(throws: AgentError.invalidCode) {
            try await AgentClient.enroll(
                serverURL: FakeAgentServer.url, code: "K7QF2-9M2XA", facts: Self.facts, store: store, transport: server)
        }
        await #expect(throws: AgentError.invalidServerURL("ftp://vigil.test")) {
            try await AgentClient.enroll(
                serverURL: URL(string: "ftp://vigil.test")!, code: FakeAgentServer.code, facts: Self.facts,
                store: store, transport: server)
        }
        try store.save(AgentStateStoreTests.sampleState())
        await #expect(throws: AgentError.alreadyEnrolled(path: store.identityPath)) {
            try await AgentClient.enroll(
                serverURL: FakeAgentServer.url, code: FakeAgentServer.code, facts: Self.facts, store: store,
                transport: server)
        }
        #expect(await server.requests.isEmpty)
    }

    @Test func aRefusedCodeIsAServerErrorAndStoresNothing() async throws {
        let server = FakeAgentServer()
        let store = AgentStateStore.temporary()
        defer { store.removeAll() }
        let refusal = AgentError.server(status: 403, kind: "enrollment-refused", detail: "refused: enrollment-refused")
        await #expect(throws: refusal) {
            try await AgentClient.enroll(
                serverURL: FakeAgentServer.url, code: "00000-00000-00000-00000", facts: Self.facts, store: store,
                transport: server)
        }
        #expect(!store.holdsIdentity)
    }

    @Test func checkInsAreSignedWithGrowingCountersOnOneSession() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        for _ in 0..<3 {
            let response = try await client.checkIn(Self.posture)
            #expect(response.nextCheckInSeconds == 900)
        }
        let signatures = await server.requests(to: "checkin").compactMap {
            $0.headers["Authorization"].flatMap(RequestSignature.init(header:))
        }
        #expect(signatures.map(\.counter) == [1, 2, 3])
        #expect(Set(signatures.map(\.sessionID)).count == 1)
        #expect(await server.sessionsOpened == 1)
    }

    @Test func theSignatureCoversMethodTargetBodyAndCounter() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        _ = try await client.checkIn(Self.posture)
        let request = try #require(await server.requests(to: "checkin").first)
        let signature = try #require(request.headers["Authorization"].flatMap(RequestSignature.init(header:)))
        let key = try #require(await server.sessionKey(signature.sessionID))
        #expect(FakeAgentServer.target(of: request) == "/agent/v1/checkin")
        #expect(signature.isValid(method: "POST", target: "/agent/v1/checkin", body: request.body, key: key))
        #expect(!signature.isValid(method: "POST", target: "/agent/v1/checkin", body: request.body + [0x20], key: key))
        #expect(!signature.isValid(method: "POST", target: "/agent/v1/key", body: request.body, key: key))
        #expect(!signature.isValid(method: "PUT", target: "/agent/v1/checkin", body: request.body, key: key))
        let otherCounter = RequestSignature(
            sessionID: signature.sessionID, counter: signature.counter + 1, signature: signature.signature)
        #expect(!otherCounter.isValid(method: "POST", target: "/agent/v1/checkin", body: request.body, key: key))
        let posture = try VigilJSON.makeDecoder().decode(Posture.self, from: request.body)
        #expect(posture == Self.posture)
    }

    @Test func anUnknownSessionIsReplacedAndTheRequestSentOnceMore() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        _ = try await client.checkIn(Self.posture)
        await server.forgetSessions()
        _ = try await client.checkIn(Self.posture)
        let signatures = await server.requests(to: "checkin").compactMap {
            $0.headers["Authorization"].flatMap(RequestSignature.init(header:))
        }
        #expect(signatures.map(\.sessionID) == ["ses_1", "ses_1", "ses_2"])
        #expect(signatures.map(\.counter) == [1, 2, 1])
    }

    @Test func aSessionEndingWithinAMinuteIsRenewedBeforeTheRequest() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        await server.setSessionLifetime(30)
        _ = try await client.checkIn(Self.posture)
        _ = try await client.checkIn(Self.posture)
        #expect(await server.sessionsOpened == 2)
        #expect(await server.requests(to: "checkin").count == 2)
    }

    @Test func aRetiredDeviceStopsForGood() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        _ = try await client.checkIn(Self.posture)
        await server.retire()
        await #expect(throws: AgentError.retired) { try await client.checkIn(Self.posture) }
        let sent = await server.requests.count
        await #expect(throws: AgentError.retired) { try await client.checkIn(Self.posture) }
        await #expect(throws: AgentError.retired) { try await client.rotateKey() }
        #expect(await server.requests.count == sent)
    }

    @Test func concurrentCheckInsStillCarryIncreasingCounters() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try await client.checkIn(Self.posture) } }
            try await group.waitForAll()
        }
        let counters = await server.requests(to: "checkin").compactMap {
            $0.headers["Authorization"].flatMap(RequestSignature.init(header:))?.counter
        }
        #expect(counters == Array(1...8))
    }

    @Test func anInvalidPostureIsRefusedLocally() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        var posture = Self.posture
        posture.batteryPercent = 140
        await #expect(throws: ValidationError.self) { try await client.checkIn(posture) }
        #expect(await server.requests(to: "checkin").isEmpty)
    }

    @Test func keyRotationStoresTheNewKeyAndSignsWithIt() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        let oldKey = try store.load().key.publicKey
        _ = try await client.checkIn(Self.posture)
        try await client.rotateKey()
        let stored = try store.load()
        #expect(stored.key.publicKey != oldKey)
        #expect(await server.publicKey == stored.key.publicKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == ["identity.json"])
        _ = try await client.checkIn(Self.posture)
        #expect(await server.sessionsOpened == 2)
        let rotation = try #require(await server.requests(to: "key").first)
        let message = try VigilJSON.makeDecoder().decode(KeyRotationRequest.self, from: rotation.body)
        let key = try #require(DevicePublicKey(message.publicKey))
        let rotationMessage = KeyRotationRequest.rotationMessage(deviceID: client.deviceID, publicKey: message.publicKey)
        #expect(key.isValidSignature(message.proof, of: rotationMessage))
    }

    @Test func aRefusedRotationKeepsTheOldKey() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        let oldKey = try store.load().key.publicKey
        await server.refuseRotations()
        await #expect(throws: AgentError.server(status: 400, kind: "invalid-field", detail: "refused: invalid-field")) {
            try await client.rotateKey()
        }
        #expect(try store.load().key.publicKey == oldKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == ["identity.json"])
        _ = try await client.checkIn(Self.posture)
    }

    @Test func aRotationInterruptedAfterTheServerTookTheKeyIsCompletedAtTheNextSession() async throws {
        let server = FakeAgentServer()
        let (_, store) = try await Self.enrolledClient(server)
        defer { store.removeAll() }
        let lost = LosingTransport(server: server)
        let interrupted = try AgentClient(store: store, transport: lost)
        await #expect(throws: URLError.self) { try await interrupted.rotateKey() }
        let newKey = try #require(await server.publicKey)
        #expect(try store.load().key.publicKey != newKey)
        let restarted = try AgentClient(store: store, transport: server)
        _ = try await restarted.checkIn(Self.posture)
        #expect(try store.load().key.publicKey == newKey)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path) == ["identity.json"])
    }
}

/// Delivers every request but loses the answer to a key rotation, as a dropped connection would.
struct LosingTransport: AgentTransport {
    let server: FakeAgentServer

    func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        let response = try await server.send(request)
        if request.url.path.hasSuffix("/key") { throw URLError(.networkConnectionLost) }
        return response
    }
}
