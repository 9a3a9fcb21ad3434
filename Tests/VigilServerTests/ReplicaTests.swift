import Foundation
import Logging
import Testing
import VigilAgent
import VigilAgentWebSocket
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// Two replicas on one PostgreSQL: a command issued on one reaches an agent connected to the
/// other at once, through the command notices (`LISTEN`/`NOTIFY`).
@Suite struct ReplicaTests {
    @Test(.enabled(if: StoreBackend.postgresURL != nil, "needs VIGIL_TEST_POSTGRES_URL"))
    func aCommandIssuedOnOneReplicaReachesAnAgentConnectedToTheOther() async throws {
        try await TestServer.run(.postgres, setup: .live) { server in
            let first = try #require(server.store as? PostgresStore)
            var logger = Logger(label: "vigil.test.replica")
            logger.logLevel = .warning
            let store = PostgresStore(
                url: try PostgresURL(parsing: try #require(StoreBackend.postgresURL)), poolSize: 4, schema: first.schema,
                logger: logger)
            var configuration = ServerConfiguration()
            configuration.port = 0
            configuration.dataDirectory = server.dataDirectory
            // No sweep within the test: only the notice can bring the command over.
            configuration.commandSweepSeconds = 3_600
            let (ports, found) = AsyncStream.makeStream(of: Int.self)
            let replica = buildApplication(configuration: configuration, store: store, logger: logger) { found.yield($0) }
            let serving = Task { try await replica.runService(gracefulShutdownSignals: []) }
            defer { serving.cancel() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            // The agent enrolls with the second replica and keeps its push channel open there.
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician))
            let (client, _) = try await AgentClient.enroll(
                serverURL: try #require(URL(string: "http://127.0.0.1:\(port)")), code: code,
                facts: DeviceFacts(platform: .android, model: "Pixel 8", osVersion: "15"), store: MemoryIdentityStore(),
                transport: URLSessionTransport())
            let runner = CommandRunner(client: client, state: ManagedState(), locationSource: nil, canPlaySound: true)
            let events = EventLog()
            let pushing = Task { await runner.runPush(over: WebSocketPushTransport(), onEvent: { events.append($0) }) }
            defer { pushing.cancel() }
            for _ in 0..<100 where !events.all.contains(where: { if case .connected = $0 { true } else { false } }) {
                try await Task.sleep(for: .milliseconds(50))
            }

            // Issued on the first replica, which holds no connection of the device.
            let issued = try await CommandFlowTests.issue(server, to: client.deviceID, #"{"kind":"play_sound","reason":"find it"}"#)
            let sound = try CommandFlowTests.command(issued)
            let ended = try await PushChannelTests.ended(server, sound.id.rawValue)
            #expect(ended.state == .acknowledged && ended.result == "sound played")

            // Evaluated on the second replica, reported lost on the first: the agent hears of the
            // access change and gets its lost mode and PHI block, all through the notices.
            #expect(try await client.checkIn(TestDevice.posture).access.state == .allowed)
            let lost = try await server.send(
                .post, "/api/v1/devices/\(client.deviceID)/loss", as: .admin, body: #"{"status":"lost","reason":"left in a taxi"}"#)
            #expect(lost.status == .ok, "\(lost.text)")
            for _ in 0..<100 where !events.all.contains(where: { if case .accessChanged = $0 { true } else { false } }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(events.all.contains { if case .accessChanged(let access) = $0 { access.state == .denied } else { false } })
            for _ in 0..<100 where await !runner.state.phiBlocked { try await Task.sleep(for: .milliseconds(50)) }
            let state = await runner.state
            #expect(state.phiBlocked && state.lostMode != nil)
        }
    }
}
