import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

/// `vigil simulate`: a fleet of simulated agents against a running server.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enroll and run a fleet of simulated devices against a Vigil server.",
        discussion: """
            Creates one enrollment invitation per device with an administrator's token, enrolls every \
            device through the agent protocol (each with its own Ed25519 key), then lets each check in \
            every --interval seconds (± 10%) for --duration seconds. Postures vary by model and \
            platform; about one device in six is noncompliant (an old patch, no passcode, rooted, an old agent, \
            unencrypted or a slow screen lock); with --misbehave, every device reports that flaw. \
            Ownership is 60% corporate, 25% BYOD (approved, denied or left pending by the server's BYOD \
            approval rules) and 15% shared. Devices are enrolled for the token's owner and stay in the \
            inventory. With --accept-agreements, each BYOD device first accepts the BYOD agreements in \
            force that apply to the token's owner, as its person would; without, their PHI access waits \
            for that acceptance.

            With --moving, every device gets a simulated clinician of its own (created with the token) \
            and walks a loop across the edge of the server's first fence, half of --walk-period inside \
            and half outside: it checks in once, then reports a GPS fix (accuracy 5 to 20 m) every \
            --interval seconds through the agent's location route, checking in again on the server's \
            schedule. One line is printed each time a device's person place or PHI access changes, such \
            as "dev_… walked outside: access denied (…)" and "dev_… back inside: access allowed". Going \
            outside counts only after the policy's dwell time (60 s by default), so the period must \
            leave more than that outside; access depends on the place only under a policy with \
            "conditions": {"requireInsideFacility": true}. The server needs a fence: draw one with \
            POST /api/v1/facilities/{id}/fences.

            A live progress line goes to standard error; the summary (check-ins per second, errors, \
            latency p50/p99) to standard output, as one JSON object on the last line with --json.

            Every device executes the commands it is given (docs/commands.md) on a simulated state: \
            the hospital's apps with a cached chart and its key, and on a personal device some personal \
            files. A lock locks it, lost mode shows its message, locate reports a fix in the demo \
            hospital's main building, a selective wipe erases the hospital's apps, data and keys and a \
            full wipe everything; each answer goes back to the server and one line is printed, such as \
            "dev_… lock: acknowledged (locked)". Commands arrive at check-ins; with --push, every device \
            also keeps the push channel (a WebSocket) open and gets them within a second.

            Example: vigil simulate --server http://127.0.0.1:8080 --token "$VIGIL_TOKEN" --devices 200 --duration 30
                     vigil simulate --server http://127.0.0.1:8080 --devices 20 --duration 600 --moving --interval 5
            """)

    @OptionGroup var fleet: FleetOptions

    @Option(help: "Seconds between one device's check-ins (with --moving: between its location reports).")
    var interval: Double = 5

    @Flag(help: "Have every device walk in and out of one of the server's fences and report its location.")
    var moving = false

    @Option(help: "With --moving, the seconds of one walk out and back, half of them outside (default: 180).")
    var walkPeriod: Double?

    @Flag(help: "Have every device keep the push channel open, so that commands reach it at once.")
    var push = false

    @Flag(help: "Have the BYOD devices accept the BYOD agreements that apply to the token's owner before they run.")
    var acceptAgreements = false

    func validate() throws {
        guard interval >= 0.1, interval <= 3_600 else { throw ValidationError("--interval must be 0.1 to 3600 seconds") }
        if let walkPeriod {
            guard moving else { throw ValidationError("--walk-period needs --moving") }
            guard walkPeriod >= 10, walkPeriod <= 86_400 else { throw ValidationError("--walk-period must be 10 to 86400 seconds") }
            guard walkPeriod >= 2 * interval else {
                throw ValidationError("--walk-period must be at least twice --interval, so that a device reports on both sides")
            }
        }
    }

    /// The course of a moving fleet: a walk across the edge of the server's first fence.
    /// - Throws: A ``CommandFailure`` that says how to draw a fence when the server has none.
    func movingCourse(devices: Int) async throws -> FleetCourse {
        guard let fence = try await fleet.standaloneAdmin().fences().first?.draft else {
            throw CommandFailure(
                "--moving needs a fence, and the server has none: draw one with POST /api/v1/facilities/{id}/fences "
                    + "(a GeoJSON Feature with a Polygon, a MultiPolygon or a Point with a radius)")
        }
        return .walking(around: fence.shape, named: fence.name, periodSeconds: walkPeriod ?? 180, devices: devices)
    }

    func run() async throws {
        let devices = fleet.devices ?? 100
        let duration = fleet.duration ?? 60
        let (interval, acceptAgreements, push) = (interval, acceptAgreements, push)
        let course = moving ? try await movingCourse(devices: devices) : nil
        let (checkIns, reports) = try await fleet.withFleet(
            devices: devices, connections: min(devices, 256), onePersonPerDevice: moving
        ) { fleet, _ in
            if acceptAgreements {
                let (acceptances, personal) = try await fleet.acceptAgreements()
                print("Accepted \(acceptances) BYOD \(acceptances == 1 ? "agreement" : "agreements") on \(personal) personal devices.")
            }
            let (checkIns, reports) = (LatencyRecorder(), LatencyRecorder())
            let start = ContinuousClock.now
            let deadline = start + .milliseconds(Int(duration * 1000))
            let line = ProgressLine()
            let ticker = line.keepShowing {
                let elapsed = max(SimulatedFleet.seconds(since: start), 0.001)
                let (sent, errors) = checkIns.counts
                let (reported, reportErrors) = reports.counts
                let locations = course == nil ? "" : String(format: " · %.0f location reports/s", Double(reported) / elapsed)
                return String(
                    format: "[%3.0f s] %d devices · %.0f check-ins/s%@ · %d errors", elapsed, devices,
                    Double(sent) / elapsed, locations, errors + reportErrors)
            }
            if let course {
                line.show("Devices are \(course.description).", final: true)
                await fleet.runMoving(
                    course: course, interval: interval, start: start, until: deadline, checkIns: checkIns, reports: reports,
                    onChange: { line.interject($0) })
            } else {
                let printCommand: @Sendable (SimulatedFleet.Member, CommandRunner.Event) -> Void = { member, event in
                    if let text = SimulatedFleet.line(member, event) { line.interject(text) }
                }
                await withTaskGroup(of: Void.self) { group in
                    if push { group.addTask { await fleet.runPush(until: deadline, onEvent: printCommand) } }
                    group.addTask {
                        await fleet.runOnSchedule(interval: interval, until: deadline, recorder: checkIns, onEvent: printCommand)
                    }
                }
            }
            ticker.cancel()
            let elapsed = SimulatedFleet.seconds(since: start)
            line.show("Done.", final: true)
            return (checkIns.summary(elapsed: elapsed), course == nil ? nil : reports.summary(elapsed: elapsed))
        }
        print("Simulated \(devices) devices for \(String(format: "%.0f", duration)) s: check-ins \(checkIns.line)")
        if let reports { print("Location reports \(reports.line)") }
        for lastError in [checkIns.lastError, reports?.lastError].compactMap({ $0 }) { print("Last error: \(lastError)") }
        if fleet.json {
            print(try JSONLine.encode(SimulationReport(
                devices: devices, intervalSeconds: interval, checkIns: checkIns, locationReports: reports,
                walkPeriodSeconds: moving ? walkPeriod ?? 180 : nil)))
        }
    }
}

/// The JSON summary of `vigil simulate`.
struct SimulationReport: Encodable {
    let devices: Int
    let intervalSeconds: Double
    let checkIns: LatencySummary
    /// With `--moving`: the location reports.
    let locationReports: LatencySummary?
    /// With `--moving`: the seconds of one walk out and back.
    let walkPeriodSeconds: Double?
}

/// One JSON object on one line, in Vigil's JSON conventions.
enum JSONLine {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try VigilJSON.makeEncoder().encode(value), as: UTF8.self)
    }
}
