import Foundation
import Logging
import NIOConcurrencyHelpers
import VigilAgent
import VigilCore
import VigilServer
import VigilStore

/// The queueing half of `vigil bench commands`: a server in this process on a fresh SQLite
/// database loaded with a large fleet, a few devices of it online over the push channel, and one
/// command issued to the whole fleet over HTTP.
struct CommandQueueBench {
    let devices: Int
    let online: Int

    struct Report: Codable, Sendable {
        let devices: Int
        let online: Int
        let seedSeconds: Double
        let batchRequestSeconds: Double
        let queued: Int
        let refused: Int
        let onlineDeliveredSeconds: Double

        var lines: [String] {
            [
                String(format: "queue: %d devices loaded in %.1f s, %d of them online", devices, seedSeconds, online),
                String(
                    format: "queue: one command to all %d: batch request %.2f s (%d queued, %d refused), the online ones had it after %.2f s",
                    devices, batchRequestSeconds, queued, refused, onlineDeliveredSeconds),
            ]
        }
    }

    func run() async throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-commands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent(StoreLocation.sqliteFileName).path)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.host = "127.0.0.1"
        configuration.dataDirectory = directory.path
        var logger = Logger(label: "vigil.bench.commands")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = buildApplication(configuration: configuration, store: store, logger: logger) { port in
            portContinuation.yield(port)
        }
        let serving = Task { try await application.runService(gracefulShutdownSignals: []) }
        defer { serving.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CommandFailure("the benchmark's server did not start") }
        let serverURL = URL(string: "http://127.0.0.1:\(port)")!
        return try await measure(store: store, serverURL: serverURL)
    }

    private func measure(store: any VigilStore, serverURL: URL) async throws -> Report {
        let line = ProgressLine()
        let now = Date().roundedToMilliseconds
        var seed = BenchReevaluate.fleet(devices - online, at: now)
        let administrator = Person(
            id: .generate(at: now), name: "Bench administrator", email: "admin@bench.example", affiliation: .employee,
            roles: [.admin], facilityIDs: [], status: .active, createdAt: now, updatedAt: now)
        let secret = TokenSecret.generate()
        let token = APIToken(
            id: .generate(at: now), ownerID: administrator.id, name: "bench", scopes: [.admin], createdAt: now,
            expiresAt: now.addingTimeInterval(86_400), createdBy: nil)
        seed.people.append(administrator)
        seed.tokens.append((token, secret.hash))
        line.show("Loading \(devices - online) devices…")
        let seedStart = ContinuousClock.now
        try await store.loadSeed(
            seed, audit: AuditEventDraft(occurredAt: now, actor: .system("bench"), action: .demoLoaded, target: nil, outcome: .success))
        let seedSeconds = SimulatedFleet.seconds(since: seedStart)
        line.show("Loaded \(devices - online) devices in \(String(format: "%.1f", seedSeconds)) s", final: true)

        let client = AsyncHTTPClientTransport.makeClient(connections: 32)
        defer { Task { try? await client.shutdown() } }
        let transport = AsyncHTTPClientTransport(client: client)
        let admin = AdminClient(serverURL: serverURL, token: secret.value, transport: transport)
        let fleet = try await SimulatedFleet.enroll(
            count: online, serverURL: serverURL, admin: admin, transport: transport, concurrency: 16, progress: { _ in })
        let connected = NIOLockedValueBox(0)
        let delivered = NIOLockedValueBox(0)
        let pushing = Task {
            await fleet.runPush(until: .now + .seconds(3_600)) { _, event in
                switch event {
                case .connected: connected.withLockedValue { $0 += 1 }
                case .executed: delivered.withLockedValue { $0 += 1 }
                default: break
                }
            }
        }
        defer { pushing.cancel() }
        try await BenchCommands.wait("online devices", count: online, timeout: 120, line: line) { connected.withLockedValue { $0 } }

        let start = ContinuousClock.now
        let body = #"{"command":{"kind":"lock","reason":"benchmark"},"devices":{}}"#
        let batch: BatchProgress = try await admin.call("POST", "/api/v1/command-batches", body: Data(body.utf8), expecting: 202)
        let requestSeconds = SimulatedFleet.seconds(since: start)
        try await BenchCommands.wait("online deliveries", count: online, timeout: 60, line: line) { delivered.withLockedValue { $0 } }
        let deliveredSeconds = SimulatedFleet.seconds(since: start)
        return Report(
            devices: devices, online: online, seedSeconds: seedSeconds, batchRequestSeconds: requestSeconds, queued: batch.issued,
            refused: batch.deviceCount - batch.issued, onlineDeliveredSeconds: deliveredSeconds)
    }
}
