import Foundation
import Testing
import VigilAgent
import VigilCore

@Suite struct AgentRunnerTests {
    /// Collects events from the runner's callback.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [AgentRunner.Event] = []
        func append(_ event: AgentRunner.Event) { lock.withLock { events.append(event) } }
        var all: [AgentRunner.Event] { lock.withLock { events } }
    }

    @Test func theRunnerChecksInOnScheduleUntilTheDeviceIsRetired() async throws {
        let server = FakeAgentServer()
        let (client, store) = try await AgentClientTests.enrolledClient(server)
        defer { store.removeAll() }
        let events = Events()
        let runner = AgentRunner(client: client, postureProvider: LinuxPostureProvider()) { delay in
            #expect((810...990).contains(delay))
            if await server.requests(to: "checkin").count == 2 { await server.retire() }
        }
        await runner.run { events.append($0) }
        let kinds = events.all.map { event -> String in
            switch event {
            case .checkedIn: "checkedIn"
            case .failed: "failed"
            case .retired: "retired"
            case .executed: "executed"
            }
        }
        #expect(kinds == ["checkedIn", "checkedIn", "retired"])
    }

    @Test func failuresAreReportedAndRetriedWithBackoff() async throws {
        let store = AgentStateStore.temporary()
        let client = AgentClient(
            state: AgentStateStoreTests.sampleState(), store: store, transport: UnreachableTransport())
        let events = Events()
        let runner = AgentRunner(client: client, postureProvider: LinuxPostureProvider()) { _ in
            if events.all.count == 4 { throw CancellationError() }
        }
        await runner.run { events.append($0) }
        let delays = events.all.compactMap { event -> TimeInterval? in
            if case .failed(_, let delay) = event { return delay } else { return nil }
        }
        #expect(delays.count == 4)
        for (index, delay) in delays.enumerated() {
            #expect((0...(5 * pow(2, Double(index)))).contains(delay))
        }
    }
}

/// A transport whose server never answers.
struct UnreachableTransport: AgentTransport {
    func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
        throw AgentError.unreachable(server: "http://vigil.test:8080", reason: "connection refused")
    }
}
