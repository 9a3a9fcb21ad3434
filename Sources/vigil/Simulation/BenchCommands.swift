import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import VigilAgent
import VigilCore
import VigilServer
import VigilStore

struct BenchCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Measure command delivery over the push channel, and queueing for a large, mostly offline fleet.",
        discussion: """
            Push (against --server): creates a simulated clinician, enrolls --devices devices for them \
            (10,000 by default) and has every one keep the push channel open (a WebSocket each), then \
            issues one command (play_sound) to all of them as a batch (POST /api/v1/command-batches). \
            Prints the batch request's time, the delivery latency from the request to each device's \
            execution (p50, p99, max) and the time until the server has recorded every acknowledgement.

            Queue (in this process): loads --queue-devices devices (100,000 by default) into a fresh \
            SQLite database in a temporary directory, starts a server on it on a free port, connects \
            --online of them over the push channel and times POST /api/v1/command-batches of one \
            command (lock) to the whole fleet, most of it offline.

            Run both against release builds (swift build -c release). With --json, the figures as one \
            JSON object on the last line. Raise the open-file limit for 10,000 connections (ulimit -n).

            Example: vigil bench commands --server http://127.0.0.1:8080 --token "$VIGIL_TOKEN"
            """)

    @OptionGroup var fleet: FleetOptions

    @Option(help: "How many devices the queueing test loads (0 skips it).")
    var queueDevices = 100_000

    @Option(help: "How many of the queueing test's devices are online over the push channel.")
    var online = 100

    func validate() throws {
        guard queueDevices == 0 || (1_000...1_000_000).contains(queueDevices) else {
            throw ValidationError("--queue-devices must be 0, or 1000 to 1000000")
        }
        guard (0...10_000).contains(online), queueDevices == 0 || online <= queueDevices else {
            throw ValidationError("--online must be 0 to 10000, and at most --queue-devices")
        }
    }

    func run() async throws {
        let devices = fleet.devices ?? 10_000
        let push = try await measurePush(devices: devices)
        for line in push.lines { print(line) }
        var queue: CommandQueueBench.Report?
        if queueDevices > 0 {
            queue = try await CommandQueueBench(devices: queueDevices, online: online).run()
            for line in queue?.lines ?? [] { print(line) }
        }
        if fleet.json { print(try JSONLine.encode(CommandBenchReport(push: push, queue: queue))) }
    }

    func measurePush(devices: Int) async throws -> PushBenchReport {
        let admin = try fleet.standaloneAdmin()
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let person = try await admin.createSimulatedPerson(index: 0, run: "bench-\(run)")
        return try await fleet.withFleet(devices: devices, connections: 64, person: person) { fleet, transport in
            let line = ProgressLine()
            let admin = AdminClient(serverURL: try self.fleet.serverURL(), token: try self.fleet.resolvedToken(), transport: transport)
            let connected = NIOLockedValueBox(Set<Int>())
            let issuedAt = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
            let deliveries = LatencyRecorder()
            let pushing = Task {
                await fleet.runPush(until: .now + .seconds(3_600)) { member, event in
                    switch event {
                    case .connected: _ = connected.withLockedValue { $0.insert(member.index) }
                    case .executed:
                        if let start = issuedAt.withLockedValue({ $0 }) { deliveries.record(seconds: SimulatedFleet.seconds(since: start)) }
                    default: break
                    }
                }
            }
            defer { pushing.cancel() }
            let connectStart = ContinuousClock.now
            try await Self.wait("push connections", count: devices, timeout: 600, line: line) { connected.withLockedValue { $0.count } }
            let connectSeconds = SimulatedFleet.seconds(since: connectStart)

            let body = #"{"command":{"kind":"play_sound","reason":"benchmark"},"devices":{"personID":"\#(person)"}}"#
            let start = ContinuousClock.now
            issuedAt.withLockedValue { $0 = start }
            let batch: BatchProgress = try await admin.call("POST", "/api/v1/command-batches", body: Data(body.utf8), expecting: 202)
            let requestSeconds = SimulatedFleet.seconds(since: start)
            try await Self.wait("deliveries", count: devices, timeout: 120, line: line) { deliveries.counts.requests }
            let deliveredSeconds = SimulatedFleet.seconds(since: start)
            try await Self.wait("acknowledgements", count: devices, timeout: 300, line: line) {
                let progress: BatchProgress? = try? await admin.call("GET", "/api/v1/command-batches/\(batch.id)", body: nil, expecting: 200)
                return progress?.states["acknowledged"] ?? 0
            }
            let acknowledgedSeconds = SimulatedFleet.seconds(since: start)
            let latency = deliveries.summary(elapsed: deliveredSeconds)
            return PushBenchReport(
                devices: devices, connectSeconds: connectSeconds, batchRequestSeconds: requestSeconds,
                deliveryP50Milliseconds: latency.p50Milliseconds, deliveryP99Milliseconds: latency.p99Milliseconds,
                allDeliveredSeconds: deliveredSeconds, allAcknowledgedSeconds: acknowledgedSeconds)
        }
    }

    /// Waits until `current` reaches `count`, showing progress.
    /// - Throws: When it does not within `timeout` seconds.
    static func wait(
        _ what: String, count: Int, timeout: Double, line: ProgressLine, _ current: @escaping @Sendable () async -> Int
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let reached = await current()
            line.show("\(what): \(reached)/\(count)")
            if reached >= count {
                line.show("\(what): \(reached)/\(count)", final: true)
                return
            }
            guard ContinuousClock.now < deadline else {
                throw CommandFailure("only \(reached) of \(count) \(what) within \(Int(timeout)) s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// What `GET /api/v1/command-batches/{id}` answers, as far as the benchmark reads it.
struct BatchProgress: Decodable, Sendable {
    let id: String
    let deviceCount: Int
    let issued: Int
    let states: [String: Int]
}

struct PushBenchReport: Codable, Sendable {
    let devices: Int
    let connectSeconds: Double
    let batchRequestSeconds: Double
    let deliveryP50Milliseconds: Double
    let deliveryP99Milliseconds: Double
    let allDeliveredSeconds: Double
    let allAcknowledgedSeconds: Double

    var lines: [String] {
        [
            String(format: "%d push connections open in %.1f s", devices, connectSeconds),
            String(format: "one command to all: batch request %.0f ms", batchRequestSeconds * 1_000),
            String(
                format: "delivery p50 %.0f ms, p99 %.0f ms, all delivered in %.2f s, all acknowledged in %.2f s",
                deliveryP50Milliseconds, deliveryP99Milliseconds, allDeliveredSeconds, allAcknowledgedSeconds),
        ]
    }
}

struct CommandBenchReport: Encodable {
    let push: PushBenchReport
    let queue: CommandQueueBench.Report?
}
