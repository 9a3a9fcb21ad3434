import Foundation
import HTTPTypes
import Testing
import VigilAgent
import VigilAgentWebSocket
import VigilCore
import VigilStore
import VigilTestSupport

/// The push channel over a real socket: the SDK's runner keeps a WebSocket open, executes what
/// arrives on the managed state and answers on the channel; it reconnects when the connection
/// ends; the server refuses an unsigned upgrade.
@Suite struct PushChannelTests {
    /// A device enrolled through the SDK with a runner on a fresh managed state.
    struct Agent {
        let client: AgentClient
        let runner: CommandRunner
        let events: AsyncStream<CommandRunner.Event>
        let task: Task<Void, Never>

        static func start(_ server: TestServer, ownership: Ownership = .corporate) async throws -> Agent {
            let port = try #require(server.client.port)
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician), ownership: ownership)
            let (client, _) = try await AgentClient.enroll(
                serverURL: try #require(URL(string: "http://127.0.0.1:\(port)")), code: code,
                facts: DeviceFacts(platform: .android, model: "Pixel 8", osVersion: "15"), store: MemoryIdentityStore(),
                transport: URLSessionTransport())
            let fix = LocationFix(latitude: 41.88, longitude: -87.63, accuracyMeters: 8, recordedAt: Date(), source: .gps)
            let runner = CommandRunner(
                client: client,
                state: ManagedState(managedApps: ["org.hospital.ehr"], phiRecords: ["chart-1"], phiKeys: ["key-1"]),
                locationSource: { fix }, canPlaySound: true)
            let (events, continuation) = AsyncStream.makeStream(of: CommandRunner.Event.self)
            let task = Task {
                await runner.runPush(over: WebSocketPushTransport(), sleep: { try await Task.sleep(for: .seconds(min($0, 0.2))) }) {
                    continuation.yield($0)
                }
                continuation.finish()
            }
            return Agent(client: client, runner: runner, events: events, task: task)
        }

        /// Waits for the first event that `matches`, up to ten seconds (a wait that times out
        /// ends the events: a test fails at its first missing event).
        func wait(for description: String, _ matches: @escaping @Sendable (CommandRunner.Event) -> Bool) async throws {
            let found = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await event in events where matches(event) { return true }
                    return false
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(found, "no \(description) within ten seconds")
        }
    }

    static func isConnected(_ event: CommandRunner.Event) -> Bool {
        if case .connected = event { return true }
        return false
    }

    /// Polls a command until it ends, up to ten seconds.
    static func ended(_ server: TestServer, _ id: String) async throws -> DeviceCommand {
        for _ in 0..<100 {
            let command = try CommandFlowTests.command(try await server.send(.get, "/api/v1/commands/\(id)", as: .admin))
            if command.state.hasEnded { return command }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try CommandFlowTests.command(try await server.send(.get, "/api/v1/commands/\(id)", as: .admin))
    }

    @Test(arguments: StoreBackend.available)
    func aConnectedAgentExecutesACommandAtOnceAndAnswersOnTheChannel(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend, setup: .live) { server in
            let agent = try await Agent.start(server)
            defer { agent.task.cancel() }
            try await agent.wait(for: "connection", Self.isConnected)
            #expect(try await agent.client.checkIn(TestDevice.posture).access.state == .allowed)
            let issued = try await CommandFlowTests.issue(
                server, to: agent.client.deviceID, #"{"kind":"lock","parameters":{"message":"See the charge nurse"},"reason":"test"}"#)
            let lock = try CommandFlowTests.command(issued)
            let ended = try await Self.ended(server, lock.id.rawValue)
            #expect(ended.state == .acknowledged && ended.result == "locked" && ended.attempts == 1)
            let state = await agent.runner.state
            #expect(state.locked && state.lockMessage == "See the charge nurse")

            // Reported lost: lost mode, the PHI block and a fix, all pushed; the access change too.
            let lost = try await server.send(
                .post, "/api/v1/devices/\(agent.client.deviceID)/loss", as: .securityOfficer,
                body: #"{"status":"lost","reason":"left in a taxi"}"#)
            #expect(lost.status == .ok, "\(lost.text)")
            try await agent.wait(for: "access change") { event in
                if case .accessChanged(let access) = event { return access.state == .denied }
                return false
            }
            for id in ((try lost.json())["commands"] as? [[String: Any]] ?? []).compactMap({ $0["id"] as? String }) {
                #expect(try await Self.ended(server, id).state == .acknowledged)
            }
            let block = try #require(
                try await server.store.commands(CommandFilter(deviceID: agent.client.deviceID), .first).items.first { $0.kind == .blockPHI })
            let blocked = try await Self.ended(server, block.id.rawValue)
            #expect(block.origin == .access && blocked.state == .acknowledged)
            let afterLoss = await agent.runner.state
            #expect(afterLoss.lostMode != nil && afterLoss.phiBlocked && afterLoss.holdsPHI)
            let fixes = try await server.store.locationFixes(deviceID: agent.client.deviceID, .first)
            #expect(!fixes.items.isEmpty, "locate reported a fix")

            let wipe = try CommandFlowTests.command(
                try await CommandFlowTests.issue(server, to: agent.client.deviceID, #"{"kind":"full_wipe","reason":"not coming back"}"#))
            #expect(try await Self.ended(server, wipe.id.rawValue).state == .acknowledged)
            let wiped = await agent.runner.state
            #expect(wiped.fullyWiped && !wiped.holdsPHI && wiped.managedApps.isEmpty)
            try await agent.wait(for: "stop") { event in
                if case .stopped = event { return true }
                return false
            }
        }
    }

    @Test func theAgentReconnectsWhenItsConnectionEndsAndStillGetsItsCommands() async throws {
        try await TestServer.run(setup: .live, configure: { $0.commandSweepSeconds = 1 }) { server in
            let agent = try await Agent.start(server, ownership: .byod)
            defer { agent.task.cancel() }
            try await agent.wait(for: "connection", Self.isConnected)
            // A key rotation ends the device's sessions: the sweep closes the connection, the
            // runner opens a new session and connects again.
            try await agent.client.rotateKey()
            try await agent.wait(for: "disconnection") { event in
                if case .disconnected = event { return true }
                return false
            }
            try await agent.wait(for: "reconnection", Self.isConnected)
            let wipe = try CommandFlowTests.command(
                try await CommandFlowTests.issue(server, to: agent.client.deviceID, #"{"kind":"selective_wipe","reason":"left"}"#))
            #expect(try await Self.ended(server, wipe.id.rawValue).state == .acknowledged)
            let state = await agent.runner.state
            #expect(!state.holdsPHI && state.managedApps.isEmpty && !state.fullyWiped)
        }
    }

    @Test func anUnsignedUpgradeIsRefusedAndASignedPlainRequestIsToldToUpgrade() async throws {
        try await TestServer.run(setup: .live) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let unsigned = try await server.client.executeRequest(
                uri: "/agent/v1/push", method: .get, headers: [:], body: nil)
            #expect(unsigned.status == .unauthorized)
            let plain = try await device.signed(server, "/agent/v1/push", method: .get, body: Data())
            #expect(plain.status == .upgradeRequired, "\(plain.text)")
        }
    }
}
