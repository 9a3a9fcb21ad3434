import ArgumentParser
import Foundation
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

            A live progress line goes to standard error; the summary (check-ins per second, errors, \
            latency p50/p99) to standard output, as one JSON object on the last line with --json.

            Example: vigil simulate --server http://127.0.0.1:8080 --token "$VIGIL_TOKEN" --devices 200 --duration 30
            """)

    @OptionGroup var fleet: FleetOptions

    @Option(help: "Seconds between one device's check-ins.")
    var interval: Double = 5

    @Flag(help: "Have the BYOD devices accept the BYOD agreements that apply to the token's owner before they run.")
    var acceptAgreements = false

    func validate() throws {
        guard interval >= 0.1, interval <= 3_600 else { throw ValidationError("--interval must be 0.1 to 3600 seconds") }
    }

    func run() async throws {
        let devices = fleet.devices ?? 100
        let duration = fleet.duration ?? 60
        let (interval, acceptAgreements) = (interval, acceptAgreements)
        let summary = try await fleet.withFleet(devices: devices, connections: min(devices, 256)) { fleet, _ in
            if acceptAgreements {
                let (acceptances, personal) = try await fleet.acceptAgreements()
                print("Accepted \(acceptances) BYOD \(acceptances == 1 ? "agreement" : "agreements") on \(personal) personal devices.")
            }
            let recorder = LatencyRecorder()
            let start = ContinuousClock.now
            let line = ProgressLine()
            let ticker = line.keepShowing {
                let (requests, errors) = recorder.counts
                let elapsed = SimulatedFleet.seconds(since: start)
                return String(
                    format: "[%3.0f s] %d devices · %.0f check-ins/s · %d errors", elapsed, devices,
                    Double(requests) / max(elapsed, 0.001), errors)
            }
            await fleet.runOnSchedule(interval: interval, until: start + .milliseconds(Int(duration * 1000)), recorder: recorder)
            ticker.cancel()
            let summary = recorder.summary(elapsed: SimulatedFleet.seconds(since: start))
            line.show("Done.", final: true)
            return summary
        }
        print("Simulated \(devices) devices for \(String(format: "%.0f", duration)) s: check-ins \(summary.line)")
        if let lastError = summary.lastError { print("Last error: \(lastError)") }
        if fleet.json {
            print(try JSONLine.encode(SimulationReport(devices: devices, intervalSeconds: interval, checkIns: summary)))
        }
    }
}

/// The JSON summary of `vigil simulate`.
struct SimulationReport: Encodable {
    let devices: Int
    let intervalSeconds: Double
    let checkIns: LatencySummary
}

/// One JSON object on one line, in Vigil's JSON conventions.
enum JSONLine {
    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try VigilJSON.makeEncoder().encode(value), as: UTF8.self)
    }
}
