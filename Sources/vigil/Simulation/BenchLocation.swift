import ArgumentParser
import Foundation
import VigilAgent

/// `vigil bench location`: signed location reports per second against the HTTP stack's ceiling.
struct BenchLocation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location",
        abstract: "Measure signed location reports per second against the HTTP ceiling of GET /healthz.",
        discussion: """
            Enrolls --devices simulated devices, each for a simulated clinician of its own (created with \
            the token), and opens their sessions with one check-in each. Then runs two phases of \
            --duration seconds each with the same HTTP client and --concurrency loops, as bench checkin \
            does: GET /healthz as fast as the server answers (the ceiling of the HTTP stack), then \
            location reports of one GPS fix each as fast as it answers, each loop cycling through its \
            share of the devices. The devices walk across the edge of the server's first fence, as with \
            simulate --moving (--walk-period, default 180 s), so some reports move a place and \
            re-evaluate access; when the server has no fence they report fixed points, and the output \
            says so. Prints both rates, their ratio and the latency percentiles; with --json, one JSON \
            object on the last line. Run it against a release build: swift build -c release.

            Example: vigil bench location --server http://127.0.0.1:8080 --token "$VIGIL_TOKEN" --devices 1000
            """)

    @OptionGroup var fleet: FleetOptions

    @Option(help: "How many requests are in flight at once (and connections kept).")
    var concurrency: Int = 64

    @Option(help: "Seconds of one walk out of the fence and back, half of them outside.")
    var walkPeriod: Double = 180

    func validate() throws {
        guard (1...4_096).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 4096") }
        guard walkPeriod >= 10, walkPeriod <= 86_400 else { throw ValidationError("--walk-period must be 10 to 86400 seconds") }
    }

    func run() async throws {
        let devices = fleet.devices ?? 1_000
        let duration = fleet.duration ?? 20
        let concurrency = concurrency
        let serverURL = try fleet.serverURL()
        let course = try await fleet.standaloneAdmin().fences().first.map {
            FleetCourse.walking(around: $0.draft.shape, named: $0.draft.name, periodSeconds: walkPeriod, devices: devices)
        } ?? .fixedPoints(devices: devices)
        let report = try await fleet.withFleet(devices: devices, connections: concurrency, onePersonPerDevice: true) {
            fleet, transport in
            let line = ProgressLine()
            line.show("Opening \(devices) sessions…")
            let warmUp = await fleet.warmUp(workers: concurrency)
            line.show("Opened \(devices) sessions (\(warmUp.errors) errors); devices are \(course.description)", final: true)

            let healthz = await BenchCheckIn.phase("GET /healthz", duration: duration, line: line) { deadline, recorder in
                await BenchCheckIn.runHealthz(
                    transport: transport, url: serverURL.appendingPathComponent("healthz"), workers: concurrency,
                    until: deadline, recorder: recorder)
            }
            let start = ContinuousClock.now
            let reports = await BenchCheckIn.phase("location reports", duration: duration, line: line) { deadline, recorder in
                await fleet.runFlatOut(workers: concurrency, until: deadline) { member, _ in
                    await SimulatedFleet.reportLocation(
                        member, course: course, at: SimulatedFleet.seconds(since: start), recorder: recorder)
                }
            }
            return LocationBenchReport(
                devices: devices, concurrency: concurrency, course: course.description, healthz: healthz,
                locationReports: reports, ratio: healthz.perSecond > 0 ? reports.perSecond / healthz.perSecond : 0)
        }
        print("Devices were \(report.course).")
        print("GET /healthz:     \(report.healthz.line)")
        print("location reports: \(report.locationReports.line)")
        print(String(format: "location reports reach %.0f%% of the /healthz rate", report.ratio * 100))
        if let lastError = report.locationReports.lastError { print("Last error: \(lastError)") }
        if fleet.json { print(try JSONLine.encode(report)) }
    }
}

/// The JSON summary of `vigil bench location`.
struct LocationBenchReport: Encodable {
    var benchmark = "location"
    let devices: Int
    let concurrency: Int
    /// What the devices did: walked across a fence's edge, or stayed at fixed points.
    let course: String
    let healthz: LatencySummary
    let locationReports: LatencySummary
    /// Location reports per second over `/healthz` requests per second.
    let ratio: Double
}
