import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigil policy`, `vigil agent run --misbehave`, `vigil agent emergency`, `vigil simulate
/// --misbehave` and the compliance benchmarks, as processes against a running `vigil serve`.
@Suite struct PolicyCommandTests {
    static var example: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/VigilServer/Resources/hospital.yaml").path
    }

    @Test func aPolicyFileIsCheckedOfflineWithTheLineOfEachError() throws {
        let help = try Vigil.run(["policy", "apply", "--help"])
        for option in ["--file", "--dry-run", "--no-wait", "--server", "VIGIL_TOKEN"] {
            #expect(help.stdout.contains(option), "policy apply --help lacks \(option)")
        }
        let good = try Vigil.run(["policy", "check", "-f", Self.example])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("4 valid policies"))

        let directory = Vigil.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/typo.yaml"
        try Data("format: vigil-policy/1\npolicies:\n  - name: baseline\n    requirements:\n      maximumPatchAgeDay: 30\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let bad = try Vigil.run(["policy", "check", "-f", path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\(path):5: policies[0].requirements.maximumPatchAgeDay"), "\(bad.stderr)")
    }

    @Test func policiesApplyExportAndDecideADevicesAccess() async throws {
        let directory = Vigil.temporaryDirectory()
        let token = "policy-test-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())"
        let connection = ["--server", base, "--token", token]

        let dryRun = try Vigil.run(["policy", "apply", "-f", Self.example, "--dry-run"] + connection)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("baseline: would create (version 1)"))
        #expect(dryRun.stdout.contains("  +     maximumPatchAgeDays: 90"))
        #expect(dryRun.stdout.contains("Dry run: nothing was applied."))
        #expect(try Vigil.run(["policy", "export"] + connection).stdout.contains("policies: []"))

        let applied = try Vigil.run(["policy", "apply", "-f", Self.example] + connection)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("medical-devices: created (version 1)"))
        #expect(applied.stdout.contains("Fleet evaluated"))
        let again = try Vigil.run(["policy", "apply", "-f", Self.example] + connection)
        #expect(again.stdout.contains("No changes"))

        let exported = directory + "/exported.yaml"
        #expect(try Vigil.run(["policy", "export", "-o", exported] + connection).status == 0)
        #expect(try Vigil.run(["policy", "apply", "-f", exported] + connection).stdout.contains("No changes"))

        // A policy of one requirement, with no grace: the agent's posture decides at once.
        let strict = directory + "/strict.yaml"
        try Data("format: vigil-policy/1\npolicies:\n  - name: baseline\n    requirements:\n      minimumAgentVersion: \"0.1.0\"\n".utf8)
            .write(to: URL(fileURLWithPath: strict))
        let replaced = try Vigil.run(["policy", "apply", "-f", strict] + connection)
        #expect(replaced.stdout.contains("baseline: updated (version 1 → 2)"))
        #expect(replaced.stdout.contains("byod-phones: removed (version 1)"))
        #expect(replaced.stdout.contains("  -     maximumPatchAgeDays: 90"))

        let state = directory + "/agent"
        let url = try await FleetCommandTests.invitationURL(base: base, token: token)
        #expect(try Vigil.run(["agent", "enroll", "--url", url, "--state-dir", state]).status == 0)
        let good = try Vigil.run(["agent", "run", "--once", "--state-dir", state])
        #expect(good.stdout.contains("compliance compliant, access allowed, grant until"), "\(good.stdout)")
        let bad = try Vigil.run(["agent", "run", "--once", "--state-dir", state, "--misbehave", "outdated-agent"])
        #expect(
            bad.stdout.contains("compliance noncompliant (failing: minimumAgentVersion), access denied"), "\(bad.stdout)")
        #expect(!bad.stdout.contains("grant until"))
        let emergency = try Vigil.run([
            "agent", "emergency", "--state-dir", state, "--reason", "Code blue on ward 4; chart needed now",
        ])
        #expect(emergency.status == 0, "\(emergency.stderr)")
        #expect(emergency.stdout.contains("access allowed, emergency grant until"), "\(emergency.stdout)")
        let unknown = try Vigil.run(["agent", "run", "--once", "--state-dir", state, "--misbehave", "haunted"])
        #expect(unknown.status != 0)

        // A simulated fleet told to misbehave: every device turns noncompliant.
        let before = try await Self.count(base: base, token: token, query: "compliance=noncompliant")
        let simulated = try Vigil.run(
            ["simulate", "--devices", "3", "--duration", "1", "--interval", "0.5", "--misbehave", "outdated-agent"]
                + connection)
        #expect(simulated.status == 0, "\(simulated.stderr)")
        #expect(try await Self.count(base: base, token: token, query: "compliance=noncompliant") == before + 3)
    }

    /// How many devices match an inventory query.
    static func count(base: String, token: String, query: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "\(base)/api/v1/devices?limit=200&\(query)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [Any])?.count ?? -1
    }

    @Test func theComplianceBenchmarksRunInProcess() throws {
        let decision = try Vigil.run(["bench", "decision", "--decisions", "100000", "--evaluations", "1000", "--json"])
        #expect(decision.status == 0, "\(decision.stderr)")
        let figures = try FleetCommandTests.lastLineJSON(decision.stdout)
        #expect(figures["benchmark"] as? String == "decision")
        #expect((figures["decisionsPerSecond"] as? Double ?? 0) > 0)

        let reevaluate = try Vigil.run(["bench", "reevaluate", "--devices", "1000", "--json"])
        #expect(reevaluate.status == 0, "\(reevaluate.stderr)")
        let passes = try FleetCommandTests.lastLineJSON(reevaluate.stdout)["passes"] as? [[String: Any]]
        #expect(passes?.count == 4)
        #expect(passes?.allSatisfy { $0["evaluated"] as? Int == 1_000 } == true)
        #expect(passes?[1]["changed"] as? Int == 0, "a reworded description changes no device")
    }
}
