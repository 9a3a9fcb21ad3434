import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilStore
import VigilTestSupport

/// A device left on the counter while its person is on shift: the policy locks it or only tells
/// the security team; off shift, or not unattended long enough, nothing happens.
@Suite struct LeftBehindTests {
    static func report(_ server: TestServer, _ device: inout TestDevice, unattendedMinutes: Double) async throws -> LeftBehindAnswer {
        let since = Date().addingTimeInterval(-unattendedMinutes * 60)
        let response = try await device.signed(
            server, "/agent/v1/left-behind",
            body: try VigilJSON.makeEncoder().encode(LeftBehindReport(stationarySince: since, lastInteractionAt: since)))
        #expect(response.status == .ok, "\(response.text)")
        return try VigilJSON.makeDecoder().decode(LeftBehindAnswer.self, from: Data(buffer: response.body))
    }

    static func startShift(_ server: TestServer, for person: Person) async throws {
        let facility = try #require(try await server.send(
            .post, "/api/v1/facilities", as: .admin, body: #"{"name": "General", "address": "1 Main St", "timeZone": "America/Chicago"}"#
        ).string("id"))
        let start = RFC3339.format(Date().addingTimeInterval(-3_600))
        let end = RFC3339.format(Date().addingTimeInterval(3_600))
        let shift = try await server.send(
            .post, "/api/v1/shifts", as: .admin,
            body: #"{"personID": "\#(person.id)", "facilityID": "\#(facility)", "startsAt": "\#(start)", "endsAt": "\#(end)"}"#)
        #expect(shift.status == .created, "\(shift.text)")
    }

    @Test func onShiftTheDefaultPolicyLocksADeviceLeftUnattendedOnce() async throws {
        try await TestServer.run { server in
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            let offShift = try await Self.report(server, &phone, unattendedMinutes: 30)
            #expect(offShift.response == .none && offShift.reason.contains("not on shift"))

            try await Self.startShift(server, for: clinician)
            let early = try await Self.report(server, &phone, unattendedMinutes: 5)
            #expect(early.response == .none, "the default is 15 minutes")
            let locked = try await Self.report(server, &phone, unattendedMinutes: 20)
            #expect(locked.response == .lock)
            let commandID = try #require(locked.commandID)
            let command = try CommandFlowTests.command(try await server.send(.get, "/api/v1/commands/\(commandID)", as: .admin))
            #expect(command.kind == .lock && command.origin == .leftBehind && command.issuedBy.kind == .device)
            let given = try server.decodeCheckIn(try await phone.checkIn(server)).commands
            #expect(given.map(\.id) == [commandID])
            let history = try await CommandFlowTests.historyActions(server, try #require(phone.deviceID))
            #expect(history.filter { $0 == "device.left_behind" }.count == 1)
        }
    }

    @Test func aNotifyPolicyRecordsTheDeviceWithoutLockingIt() async throws {
        try await TestServer.run { server in
            let policy = GeofenceFlowTests.policy(#"{"leftBehindAfterMinutes": 5, "leftBehindResponse": "notify"}"#)
            #expect(try await server.send(.put, "/api/v1/policies", as: .admin, body: policy).status == .ok)
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            try await Self.startShift(server, for: clinician)
            let provisioning = try await phone.signed(server, "/agent/v1/provisioning", method: .get, body: Data())
            #expect(try provisioning.json()["leftBehindAfterMinutes"] as? Int == 5)
            let answer = try await Self.report(server, &phone, unattendedMinutes: 6)
            #expect(answer.response == .notify && answer.commandID == nil)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).commands.isEmpty)
            let history = try await CommandFlowTests.historyActions(server, try #require(phone.deviceID))
            #expect(history.contains("device.left_behind"))
        }
    }
}

/// The SDK's presence watch against the real server: a device nobody touched for twenty minutes,
/// on shift, locks its screen and is reported left behind, which locks it from the server too.
@Suite struct PresenceWatchEndToEndTests {
    struct Untouched: PresenceSource {
        let since: Date
        func sample() async -> PresenceSample { PresenceSample(lastInteraction: since, lastMovement: since) }
    }

    @Test func anUntouchedDeviceOnShiftLocksAndIsReportedLeftBehind() async throws {
        try await TestServer.run(setup: .live) { server in
            let port = try #require(server.client.port)
            let clinician = server.cast.person(.clinician)
            let code = try await TestDevice.invite(server, for: clinician)
            let (client, _) = try await AgentClient.enroll(
                serverURL: try #require(URL(string: "http://127.0.0.1:\(port)")), code: code,
                facts: DeviceFacts(platform: .android, model: "Pixel 8", osVersion: "15"), store: MemoryIdentityStore(),
                transport: URLSessionTransport())
            try await LeftBehindTests.startShift(server, for: clinician)
            let provisioning = try await client.provisioning()
            #expect(provisioning.leftBehindAfterMinutes == 15)
            let runner = CommandRunner(client: client, state: ManagedState(), locationSource: nil, canPlaySound: false)
            let events = EventLog()
            let watching = Task {
                await runner.watchPresence(
                    Untouched(since: Date().addingTimeInterval(-20 * 60)), inactivityLockSeconds: 120,
                    leftBehindAfterMinutes: provisioning.leftBehindAfterMinutes, every: 0.05,
                    onEvent: { event in events.append(event) })
            }
            for _ in 0..<100 where events.all.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
            watching.cancel()
            let seen = events.all
            #expect(seen.contains { if case .lockedForInactivity = $0 { true } else { false } })
            let answer = seen.compactMap { event -> LeftBehindAnswer? in
                if case .leftBehind(let answer) = event { answer } else { nil }
            }
            #expect(answer.map(\.response) == [.lock], "reported once, and the server locked it")
            #expect(await runner.state.locked)
        }
    }
}

/// Events recorded from any thread.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [CommandRunner.Event] = []

    func append(_ event: CommandRunner.Event) { lock.withLock { events.append(event) } }
    var all: [CommandRunner.Event] { lock.withLock { events } }
}
