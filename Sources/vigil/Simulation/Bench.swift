import ArgumentParser
import Foundation
import VigilAgent

/// `vigil bench`: the named benchmarks whose figures `docs/benchmarks.md` records.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a named benchmark and print its figures.",
        discussion: "Every benchmark, its command and the figures last measured are in docs/benchmarks.md.",
        subcommands: [
            BenchCheckIn.self, BenchLocation.self, BenchLedger.self, BenchDecision.self, BenchReevaluate.self,
            BenchGeofence.self, BenchCommands.self,
        ])
}

/// `vigil bench checkin`: authenticated check-ins per second against the HTTP stack's ceiling.
struct BenchCheckIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin",
        abstract: "Measure authenticated check-ins per second against the HTTP ceiling of GET /healthz.",
        discussion: """
            Enrolls --devices simulated devices and opens their sessions, then runs two phases of \
            --duration seconds each with the same HTTP client and --concurrency loops: GET /healthz as \
            fast as the server answers (the ceiling of the HTTP stack), then signed check-ins as fast \
            as it answers, each loop cycling through its share of the devices. Prints both rates, their \
            ratio and the latency percentiles; with --json, one JSON object on the last line. Run it \
            against a release build: swift build -c release.

            Example: vigil bench checkin --server http://127.0.0.1:8080 --token "$VIGIL_TOKEN" --devices 1000
            """)

    @OptionGroup var fleet: FleetOptions

    @Option(help: "How many requests are in flight at once (and connections kept).")
    var concurrency: Int = 64

    func validate() throws {
        guard (1...4_096).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 4096") }
    }

    func run() async throws {
        let devices = fleet.devices ?? 1_000
        let duration = fleet.duration ?? 20
        let concurrency = concurrency
        let serverURL = try fleet.serverURL()
        let report = try await fleet.withFleet(devices: devices, connections: concurrency) { fleet, transport in
            let line = ProgressLine()
            line.show("Opening \(devices) sessions…")
            let warmUp = await fleet.warmUp(workers: concurrency)
            line.show("Opened \(devices) sessions (\(warmUp.errors) errors)", final: true)

            let healthz = await Self.phase("GET /healthz", duration: duration, line: line) { deadline, recorder in
                await Self.runHealthz(
                    transport: transport, url: serverURL.appendingPathComponent("healthz"), workers: concurrency,
                    until: deadline, recorder: recorder)
            }
            let checkIns = await Self.phase("check-ins", duration: duration, line: line) { deadline, recorder in
                await fleet.runFlatOut(workers: concurrency, until: deadline, recorder: recorder)
            }
            return CheckInBenchReport(
                devices: devices, concurrency: concurrency, healthz: healthz, checkIns: checkIns,
                ratio: healthz.perSecond > 0 ? checkIns.perSecond / healthz.perSecond : 0)
        }
        print("GET /healthz: \(report.healthz.line)")
        print("check-ins:    \(report.checkIns.line)")
        print(String(format: "check-ins reach %.0f%% of the /healthz rate", report.ratio * 100))
        if fleet.json { print(try JSONLine.encode(report)) }
    }

    /// Runs one timed phase with a live progress line.
    static func phase(
        _ name: String, duration: Double, line: ProgressLine,
        _ body: (ContinuousClock.Instant, LatencyRecorder) async -> Void
    ) async -> LatencySummary {
        let recorder = LatencyRecorder()
        let start = ContinuousClock.now
        let ticker = line.keepShowing {
            let (requests, errors) = recorder.counts
            let elapsed = SimulatedFleet.seconds(since: start)
            return String(format: "%@: %.0f/s, %d errors", name, Double(requests) / max(elapsed, 0.001), errors)
        }
        await body(start + .milliseconds(Int(duration * 1000)), recorder)
        ticker.cancel()
        let summary = recorder.summary(elapsed: SimulatedFleet.seconds(since: start))
        line.show("\(name): done", final: true)
        return summary
    }

    /// `workers` loops asking for `/healthz` until `deadline`.
    static func runHealthz(
        transport: any AgentTransport, url: URL, workers: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        do {
                            let response = try await transport.send(
                                AgentHTTPRequest(method: "GET", url: url, headers: [:], body: Data()))
                            let failure = response.status == 200 ? nil : CommandFailure("healthz answered \(response.status)")
                            recorder.record(seconds: SimulatedFleet.seconds(since: start), error: failure)
                        } catch {
                            recorder.record(seconds: SimulatedFleet.seconds(since: start), error: error)
                        }
                    }
                }
            }
        }
    }
}

/// The JSON summary of `vigil bench checkin`.
struct CheckInBenchReport: Encodable {
    var benchmark = "checkin"
    let devices: Int
    let concurrency: Int
    let healthz: LatencySummary
    let checkIns: LatencySummary
    /// Check-ins per second over `/healthz` requests per second.
    let ratio: Double
}
