import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilStore
import VigilTestSupport

/// The agent SDK against the real server over a real socket: enroll, check in, rotate the key,
/// and stop for good once retired.
@Suite struct AgentEndToEndTests {
    @Test(arguments: StoreBackend.available)
    func theSDKEnrollsChecksInRotatesAndStopsWhenRetired(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend, setup: .live) { server in
            let port = try #require(server.client.port)
            let serverURL = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-agent-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = AgentStateStore(directory: directory)
            let (client, enrolled) = try await AgentClient.enroll(
                serverURL: serverURL, code: code,
                facts: DeviceFacts(platform: .linux, model: "Test host", osVersion: "Debian 12"), store: store,
                transport: URLSessionTransport())
            #expect(enrolled.approval == .approved)
            #expect(try store.load().deviceID == enrolled.deviceID)

            let posture = Posture(osVersion: "Debian 12", agentVersion: VigilAgentVersion.current)
            for _ in 0..<3 {
                let answer = try await client.checkIn(posture)
                #expect(answer.deviceID == enrolled.deviceID)
            }
            let oldKey = try #require(try await server.store.device(id: enrolled.deviceID)).publicKey
            try await client.rotateKey()
            _ = try await client.checkIn(posture)
            let stored = try #require(try await server.store.device(id: enrolled.deviceID))
            #expect(stored.publicKey != oldKey)
            #expect(stored.publicKey == (try store.load()).key.publicKey, "the identity file holds the new key")
            let history = try await server.store.postureHistory(deviceID: enrolled.deviceID, .first)
            #expect(history.items.count == 1, "the same posture four times is one entry of history")

            // A restarted client (a new process) reads the identity file and carries on.
            let restarted = try AgentClient(store: store, transport: URLSessionTransport())
            _ = try await restarted.checkIn(posture)

            let retired = try await server.send(
                .post, "/api/v1/devices/\(enrolled.deviceID)/retire", as: .admin,
                body: #"{"disposition":"returned","custodian":"IT desk"}"#)
            #expect(retired.status == .ok)
            await #expect(throws: AgentError.retired) { try await restarted.checkIn(posture) }
            await #expect(throws: AgentError.retired) { try await client.checkIn(posture) }
        }
    }
}
