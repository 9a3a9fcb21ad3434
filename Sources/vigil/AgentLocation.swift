import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

extension AgentCommand {
    /// `vigil agent location`.
    struct Location: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report one location fix from this device now and show its place and PHI access.",
            discussion: """
                Sends one fix, taken now, to the server, which judges it against the facility fences and \
                answers with where the device's person is and whether PHI access follows. Going inside \
                counts at once; going outside only after the policy's dwell time (60 s by default) of \
                fixes clear of every fence, so report again to watch it settle. A fix whose accuracy \
                circle crosses a fence's edge tells nothing ("unknown").
                  vigil agent location --latitude 41.8805 --longitude -87.6300
                  vigil agent location --latitude 41.89 --longitude -87.63 --accuracy 8 --source wifi --state-dir vigil-agent
                Prints, for instance: place: inside (facility fac_…) — access allowed
                """)

        @OptionGroup var state: StateOptions

        @Option(parsing: .unconditional, help: "Degrees north of the equator, -90 to 90.")
        var latitude: Double

        @Option(parsing: .unconditional, help: "Degrees east of Greenwich, -180 to 180 (west is negative).")
        var longitude: Double

        @Option(parsing: .unconditional, help: "The radius of uncertainty in meters, 0 to 100000, at 68 % confidence as phones report it.")
        var accuracy: Double = 10

        @Option(help: "Where the fix came from: \(FixSource.allCases.map(\.rawValue).joined(separator: ", ")).")
        var source: FixSource = .gps

        func validate() throws {
            guard latitude.isFinite, (-90...90).contains(latitude) else {
                throw ValidationError("--latitude must be a number from -90 to 90 degrees, not \(latitude)")
            }
            guard longitude.isFinite, (-180...180).contains(longitude) else {
                throw ValidationError("--longitude must be a number from -180 to 180 degrees, not \(longitude)")
            }
            guard accuracy.isFinite, (0...LocationFix.maximumAccuracyMeters).contains(accuracy) else {
                throw ValidationError("--accuracy must be 0 to 100000 meters, not \(accuracy)")
            }
        }

        func run() async throws {
            let fix = LocationFix(
                latitude: latitude, longitude: longitude, accuracyMeters: accuracy, recordedAt: Date(), source: source)
            do {
                let client = try AgentClient(store: state.store, transport: URLSessionTransport())
                let answer = try await client.reportLocation([fix])
                print(Self.line(answer))
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
        }

        /// `place: inside (facility fac_…) — access allowed`, with the device's own place when it
        /// differs (an outside run still settling) and the reasons of a denial.
        static func line(_ answer: LocationReportResponse) -> String {
            var line = "place: \(describe(answer.place))"
            if let device = answer.place.device, device.rawValue != answer.place.person.rawValue {
                line += "; this device: \(device.rawValue)"
            }
            if answer.ignored > 0 { line += "; fix ignored (older than the latest reported)" }
            return line + " — " + describe(answer.access)
        }

        /// The person's place in a few words.
        static func describe(_ place: PlaceStatus) -> String {
            switch place.person {
            case .inside: "inside" + (place.facilityID.map { " (facility \($0))" } ?? "")
            case .visit: "at a home visit" + (place.visitID.map { " (visit \($0))" } ?? "")
            case .outside: "outside every facility"
            case .unknown: "unknown (the fixes are too inaccurate to tell)"
            case .stale: "stale (no recent fix)"
            }
        }

        /// `access allowed`, or `access denied (reason; reason)`.
        static func describe(_ access: AccessStatus) -> String {
            let state = access.state == .notEvaluated ? "not evaluated" : access.state.rawValue
            return "access \(state)" + (access.reasons.isEmpty ? "" : " (\(access.reasons.joined(separator: "; ")))")
        }
    }
}

extension FixSource: ExpressibleByArgument {}
