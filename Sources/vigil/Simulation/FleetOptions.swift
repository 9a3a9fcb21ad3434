import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import VigilAgent
import VigilCore

/// The options `vigil simulate` and `vigil bench checkin` share: which server, whose token, how
/// many devices.
struct FleetOptions: ParsableArguments {
    @Option(help: "The Vigil server's base URL, such as http://127.0.0.1:8080.")
    var server: String

    @Option(help: "An administrator's API token, which creates the invitations (env: VIGIL_TOKEN).")
    var token: String?

    @Option(help: "How many simulated devices to enroll (default: 100 for simulate, 1000 for bench).")
    var devices: Int?

    @Option(help: "How long to run, in seconds (default: 60 for simulate, 20 per phase for bench).")
    var duration: Double?

    @Flag(help: "End with one JSON object on the last line.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Every device reports this flaw instead of one in six reporting one: \(PostureFlaw.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "flaw"))
    var misbehave: PostureFlaw?

    /// The server's URL, checked.
    func serverURL() throws -> URL {
        guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--server must be an http or https URL, such as http://127.0.0.1:8080")
        }
        return url
    }

    /// The administrator's client for a call made before the fleet's HTTP client exists.
    func standaloneAdmin() throws -> AdminClient {
        AdminClient(serverURL: try serverURL(), token: try resolvedToken(), transport: URLSessionTransport())
    }

    /// The token from the option or `VIGIL_TOKEN`.
    func resolvedToken() throws -> String {
        guard let token = token ?? Environment.value("VIGIL_TOKEN") else {
            throw ValidationError("give an administrator's token with --token or VIGIL_TOKEN")
        }
        return token
    }

    func validate() throws {
        if let devices, !(1...200_000).contains(devices) { throw ValidationError("--devices must be 1 to 200000") }
        if let duration, !(duration > 0 && duration <= 86_400) {
            throw ValidationError("--duration must be more than 0 and at most 86400 seconds")
        }
    }

    /// Enrolls `devices` devices, showing progress, and hands the fleet to `body` with its HTTP client.
    /// - Parameters:
    ///   - onePersonPerDevice: Whether each device gets a new simulated person of its own
    ///     instead of the token's owner (see ``SimulatedFleet/enroll(count:serverURL:admin:transport:concurrency:misbehaving:onePersonPerDevice:person:progress:)``).
    ///   - person: The person every device is enrolled for, instead of the token's owner.
    func withFleet<Result: Sendable>(
        devices: Int, connections: Int, onePersonPerDevice: Bool = false, person: PersonID? = nil,
        _ body: @Sendable (SimulatedFleet, AsyncHTTPClientTransport) async throws -> Result
    ) async throws -> Result {
        let client = AsyncHTTPClientTransport.makeClient(connections: connections)
        let transport = AsyncHTTPClientTransport(client: client)
        do {
            let admin = AdminClient(serverURL: try serverURL(), token: try resolvedToken(), transport: transport)
            let line = ProgressLine()
            let enrolled = NIOLockedValueBox(0)
            let total = devices
            let ticker = line.keepShowing { "Enrolling: \(enrolled.withLockedValue { $0 })/\(total) devices" }
            let fleet: SimulatedFleet
            do {
                fleet = try await SimulatedFleet.enroll(
                    count: devices, serverURL: try serverURL(), admin: admin, transport: transport,
                    concurrency: min(32, connections), misbehaving: misbehave, onePersonPerDevice: onePersonPerDevice, person: person,
                    progress: { count in enrolled.withLockedValue { $0 = count } })
            } catch {
                ticker.cancel()
                throw error
            }
            ticker.cancel()
            line.show("Enrolled \(devices) devices", final: true)
            let result = try await body(fleet, transport)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
