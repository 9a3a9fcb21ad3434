import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigil agent location`, `vigil simulate --moving` and `vigil bench location` against a running
/// `vigil serve` with one facility fence and a policy that requires being inside.
@Suite struct LocationCommandTests {
    /// The geofence flow tests' campus, about 500 m by 550 m around 41.88 N, 87.63 W.
    static let campus = #"""
        {"type": "Feature", "properties": {"name": "Main campus"},
         "geometry": {"type": "Polygon", "coordinates": [[[-87.633, 41.878], [-87.627, 41.878], [-87.627, 41.883],
                                                          [-87.633, 41.883], [-87.633, 41.878]]]}}
        """#

    /// Sends an administrator's request and returns the status and the JSON object answered.
    static func send(_ method: String, _ url: String, token: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    @Test func optionsOutOfRangeAreRefusedWithTheirRange() throws {
        let help = try Vigil.run(["agent", "location", "--help"])
        for option in ["--latitude", "--longitude", "--accuracy", "--source", "--state-dir"] {
            #expect(help.stdout.contains(option), "agent location --help lacks \(option)")
        }
        let north = try Vigil.run(["agent", "location", "--latitude", "91", "--longitude", "0"])
        #expect(north.status != 0 && north.stderr.contains("--latitude must be a number from -90 to 90"), "\(north.stderr)")
        let west = try Vigil.run(["agent", "location", "--latitude", "0", "--longitude", "-181"])
        #expect(west.status != 0 && west.stderr.contains("--longitude must be a number from -180 to 180"), "\(west.stderr)")
        let blurred = try Vigil.run(["agent", "location", "--latitude", "0", "--longitude", "0", "--accuracy", "-3"])
        #expect(blurred.status != 0 && blurred.stderr.contains("--accuracy must be 0 to 100000"), "\(blurred.stderr)")
        let period = try Vigil.run(["simulate", "--server", "http://127.0.0.1:1", "--walk-period", "100"])
        #expect(period.status != 0 && period.stderr.contains("--walk-period needs --moving"), "\(period.stderr)")
        let bench = try Vigil.run(["bench", "location", "--help"])
        #expect(bench.stdout.contains("/healthz") && bench.stdout.contains("--walk-period"))
    }

    @Test func anAgentReportsItsPlaceAndAMovingFleetWalksOutAndBack() async throws {
        let directory = Vigil.temporaryDirectory()
        let token = "location-test-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())"

        // Without a fence, a moving fleet cannot walk anywhere; the benchmark says it uses fixed points.
        let noFence = try Vigil.run(["simulate", "--server", base, "--token", token, "--devices", "1", "--moving"])
        #expect(noFence.status != 0 && noFence.stderr.contains("the server has none"), "\(noFence.stderr)")
        let fixed = try Vigil.run([
            "bench", "location", "--server", base, "--token", token, "--devices", "4", "--duration", "1",
            "--concurrency", "2", "--json",
        ])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stdout.contains("at fixed points (the server has no fence)"), "\(fixed.stdout)")

        let (created, facility) = try await Self.send(
            "POST", "\(base)/api/v1/facilities", token: token,
            body: #"{"name": "General", "address": "1 Main St", "timeZone": "America/Chicago"}"#)
        #expect(created == 201, "\(facility)")
        let facilityID = try #require(facility["id"] as? String)
        let (fenced, _) = try await Self.send("POST", "\(base)/api/v1/facilities/\(facilityID)/fences", token: token, body: Self.campus)
        #expect(fenced == 201)
        let (applied, policies) = try await Self.send(
            "PUT", "\(base)/api/v1/policies", token: token,
            body: #"{"policies": [{"name": "on-site", "requirements": {}, "conditions": {"requireInsideFacility": true, "outsideAfterSeconds": 2}}]}"#)
        #expect(applied == 200, "\(policies)")

        let url = try await FleetCommandTests.invitationURL(base: base, token: token)
        let state = directory + "/agent"
        #expect(try Vigil.run(["agent", "enroll", "--url", url, "--state-dir", state]).status == 0)
        #expect(try Vigil.run(["agent", "run", "--once", "--state-dir", state]).status == 0)
        let inside = try Vigil.run(["agent", "location", "--latitude", "41.8805", "--longitude", "-87.630", "--state-dir", state])
        #expect(inside.status == 0, "\(inside.stderr)")
        #expect(inside.stdout.contains("place: inside (facility \(facilityID)) — access allowed"), "\(inside.stdout)")
        let outside = try Vigil.run([
            "agent", "location", "--latitude", "41.8900", "--longitude", "-87.630", "--accuracy", "5", "--state-dir", state,
        ])
        #expect(outside.status == 0, "\(outside.stderr)")
        // One outside fix: the dwell time has not passed, so the place and the access stay.
        #expect(outside.stdout.contains("place: inside (facility \(facilityID)) — access allowed"), "\(outside.stdout)")

        // Walks of 10 s, 5 s outside against a dwell time of 2 s: every device goes out and comes back.
        let simulated = try Vigil.run([
            "simulate", "--server", base, "--token", token, "--devices", "3", "--duration", "15", "--interval", "0.5",
            "--moving", "--walk-period", "10", "--json",
        ])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        #expect(simulated.stdout.contains("walked outside: access denied"), "\(simulated.stdout)")
        #expect(simulated.stdout.contains("back inside: access allowed"), "\(simulated.stdout)")
        let summary = try FleetCommandTests.lastLineJSON(simulated.stdout)
        let reports = try #require(summary["locationReports"] as? [String: Any])
        #expect((reports["requests"] as? Int ?? 0) >= 3 * 15)
        #expect(reports["errors"] as? Int == 0)

        let bench = try Vigil.run([
            "bench", "location", "--server", base, "--token", token, "--devices", "4", "--duration", "1",
            "--concurrency", "2", "--json",
        ])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("walking across the edge of fence \"Main campus\""), "\(bench.stdout)")
        let figures = try FleetCommandTests.lastLineJSON(bench.stdout)
        #expect(figures["benchmark"] as? String == "location")
        #expect(((figures["locationReports"] as? [String: Any])?["errors"] as? Int) == 0)
        #expect((figures["ratio"] as? Double ?? 0) > 0)
    }
}
