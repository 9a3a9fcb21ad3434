import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilStore
import VigilTestSupport

/// The agent SDK reads its device's privacy notice from the real server, and what a personal
/// device may not report never reaches the store, whatever the agent sends.
@Suite struct AgentEndToEndPrivacyTests {
    @Test func theSDKReadsTheNoticeAndAPersonalDevicesPlaceIsDropped() async throws {
        try await TestServer.run(setup: .live) { server in
            let port = try #require(server.client.port)
            let serverURL = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician), ownership: .byod)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-agent-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let (client, enrolled) = try await AgentClient.enroll(
                serverURL: serverURL, code: code,
                facts: DeviceFacts(platform: .linux, model: "Own laptop", osVersion: "Debian 12", phoneNumber: "+1 555 0100"),
                store: AgentStateStore(directory: directory), transport: URLSessionTransport())

            let notice = try await client.privacyNotice()
            #expect(notice.deviceID == enrolled.deviceID && notice.ownership == .byod)
            #expect(notice.actions.first { $0.action == .fullWipe }?.allowed == false)
            #expect(notice.fields.first { $0.field == .preciseLocation }?.collected == false)

            var posture = Posture(osVersion: "Debian 12", agentVersion: VigilAgentVersion.current)
            posture.location = PostureLocation(latitude: 1, longitude: 2, horizontalAccuracyMeters: 3, recordedAt: Date())
            posture.personalApps = ["org.example.diary"]
            _ = try await client.checkIn(posture)
            let stored = try #require(try await server.store.device(id: enrolled.deviceID))
            #expect(stored.posture?.location == nil && stored.posture?.personalApps == nil && stored.phoneNumber == nil)
            #expect(stored.posture?.osVersion == "Debian 12")
        }
    }
}
