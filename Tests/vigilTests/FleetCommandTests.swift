import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigil agent`, `vigil simulate` and `vigil bench checkin` against a running `vigil serve`.
@Suite struct FleetCommandTests {
    @Test func helpExplainsTheFleetCommands() throws {
        let agent = try Vigil.run(["agent", "--help"])
        #expect(agent.stdout.contains("enroll") && agent.stdout.contains("run"))
        let enroll = try Vigil.run(["agent", "enroll", "--help"])
        for option in ["--server", "--code", "--url", "--state-dir"] { #expect(enroll.stdout.contains(option), "\(option)") }
        let simulate = try Vigil.run(["simulate", "--help"])
        for option in ["--server", "--token", "--devices", "--duration", "--json", "VIGIL_TOKEN"] {
            #expect(simulate.stdout.contains(option), "simulate --help lacks \(option)")
        }
        let bench = try Vigil.run(["bench", "checkin", "--help"])
        #expect(bench.stdout.contains("--concurrency") && bench.stdout.contains("/healthz"))
        let withPath = try Vigil.run(["serve", "--public-url", "https://mdm.hospital.test/vigil", "--port", "0"])
        #expect(withPath.status != 0)
        #expect(withPath.stderr.contains("root"))
        let tooOften = try Vigil.run(["serve", "--check-in-interval", "5", "--port", "0"])
        #expect(tooOften.status != 0)
        #expect(tooOften.stderr.contains("check-in interval must be 10 to 86400 seconds"))
        let missing = try Vigil.run(["simulate", "--server", "http://127.0.0.1:1", "--devices", "1"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("VIGIL_TOKEN"))
    }

    @Test func anAgentEnrollsAndAFleetRunsAgainstARealServer() async throws {
        let directory = Vigil.temporaryDirectory()
        let token = "fleet-test-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let port = try await server.waitForPort()
        let base = "http://127.0.0.1:\(port)"

        let url = try await Self.invitationURL(base: base, token: token)
        #expect(url.hasPrefix("\(base)/enroll?code="))
        let state = directory + "/agent"
        let enrolled = try Vigil.run(["agent", "enroll", "--url", url, "--state-dir", state])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let checkedIn = try Vigil.run(["agent", "run", "--once", "--state-dir", state])
        #expect(checkedIn.status == 0, "\(checkedIn.stderr)")
        #expect(checkedIn.stdout.contains("approval approved"))
        let reused = try Vigil.run(["agent", "enroll", "--url", url, "--state-dir", directory + "/other"])
        #expect(reused.status != 0)
        #expect(reused.stderr.contains("used already"))

        let simulated = try Vigil.run([
            "simulate", "--server", base, "--token", token, "--devices", "12", "--duration", "3", "--interval", "0.5",
            "--json",
        ])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let summary = try Self.lastLineJSON(simulated.stdout)
        let checkIns = try #require(summary["checkIns"] as? [String: Any])
        #expect((checkIns["requests"] as? Int ?? 0) >= 12)
        #expect(checkIns["errors"] as? Int == 0)

        let bench = try Vigil.run([
            "bench", "checkin", "--server", base, "--token", token, "--devices", "8", "--duration", "1",
            "--concurrency", "4", "--json",
        ])
        #expect(bench.status == 0, "\(bench.stderr)")
        let figures = try Self.lastLineJSON(bench.stdout)
        #expect(figures["benchmark"] as? String == "checkin")
        #expect((figures["ratio"] as? Double ?? 0) > 0)
        #expect(((figures["checkIns"] as? [String: Any])?["errors"] as? Int) == 0)

        var request = URLRequest(url: URL(string: "\(base)/api/v1/devices?limit=200")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let items = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [Any]
        #expect(items?.count == 1 + 12 + 8)
    }

    @Test func simulatedPersonalDevicesAcceptTheAgreementsWhenTold() async throws {
        let directory = Vigil.temporaryDirectory()
        let token = "fleet-test-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())"
        var publish = URLRequest(url: URL(string: "\(base)/api/v1/agreements")!)
        publish.httpMethod = "POST"
        publish.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        publish.setValue("application/json", forHTTPHeaderField: "Content-Type")
        publish.httpBody = Data(#"{"name": "acceptable-use", "kind": "acceptable_use", "title": "AUP", "text": "Be careful."}"#.utf8)
        let (published, _) = try await URLSession.shared.data(for: publish)
        let agreement = (try JSONSerialization.jsonObject(with: published) as? [String: Any])?["agreement"] as? [String: Any]
        let id = try #require(agreement?["id"] as? String)

        // Twelve devices hold two BYOD ones (the simulator's fixed mix); the first accepts for the
        // token's owner, and the others find it accepted.
        let simulated = try Vigil.run([
            "simulate", "--server", base, "--token", token, "--devices", "12", "--duration", "1", "--accept-agreements",
        ])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        #expect(simulated.stdout.contains("Accepted 1 BYOD agreement on 2 personal devices."), "\(simulated.stdout)")
        var acceptances = URLRequest(url: URL(string: "\(base)/api/v1/agreements/\(id)/acceptances")!)
        acceptances.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: acceptances)
        let items = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [[String: Any]]
        #expect(items?.count == 1)
        #expect(items?.first?["deviceID"] != nil, "accepted on a device")
    }

    static func invitationURL(base: String, token: String) async throws -> String {
        var me = URLRequest(url: URL(string: "\(base)/api/v1/me")!)
        me.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (meData, _) = try await URLSession.shared.data(for: me)
        let person = (try JSONSerialization.jsonObject(with: meData) as? [String: Any])?["person"] as? [String: Any]
        let personID = try #require(person?["id"] as? String)
        var invite = URLRequest(url: URL(string: "\(base)/api/v1/enrollment-invitations")!)
        invite.httpMethod = "POST"
        invite.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        invite.setValue("application/json", forHTTPHeaderField: "Content-Type")
        invite.httpBody = Data(#"{"personID":"\#(personID)","ownership":"corporate","deviceClass":"pc"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: invite)
        return try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["enrollmentURL"] as? String)
    }

    static func lastLineJSON(_ output: String) throws -> [String: Any] {
        let line = try #require(output.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}
