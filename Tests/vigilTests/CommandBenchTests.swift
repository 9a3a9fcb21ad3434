import Foundation
import Testing

/// `vigil bench commands` against a running `vigil serve`: agents connected over WebSocket
/// execute a batch and answer it; the queueing part runs on its own in-process server.
@Suite struct CommandBenchTests {
    @Test func theBenchmarkDeliversToConnectedAgentsAndQueuesForAFleet() async throws {
        let help = try Vigil.run(["bench", "commands", "--help"])
        for option in ["--queue-devices", "--online", "--server"] { #expect(help.stdout.contains(option), "\(option)") }
        let refused = try Vigil.run(["bench", "commands", "--server", "http://127.0.0.1:1", "--token", "x", "--queue-devices", "10"])
        #expect(refused.status != 0 && refused.stderr.contains("--queue-devices"))

        let directory = Vigil.temporaryDirectory()
        let token = "command-bench-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())"
        let bench = try Vigil.run([
            "bench", "commands", "--server", base, "--token", token, "--devices", "6", "--queue-devices", "1000",
            "--online", "3", "--json",
        ])
        #expect(bench.status == 0, "\(bench.stderr)")
        let figures = try FleetCommandTests.lastLineJSON(bench.stdout)
        let push = try #require(figures["push"] as? [String: Any])
        #expect(push["devices"] as? Int == 6)
        #expect((push["deliveryP99Milliseconds"] as? Double ?? -1) >= 0)
        let queue = try #require(figures["queue"] as? [String: Any])
        #expect(queue["queued"] as? Int == 1000 && queue["online"] as? Int == 3)
    }
}
