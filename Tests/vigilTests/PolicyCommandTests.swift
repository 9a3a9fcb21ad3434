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
        #expect(
            good.stdout.contains("4 valid policies, 2 agreements, approval rules, a collection matrix, 3 apps and 2 fences."),
            "\(good.stdout)")

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
        try await PolicyCommandFenceTests.createFacilities(PolicyCommandFenceTests.demoFacilities, base: base, token: token)

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

    @Test func theBYODProgramAppliesExportsAndReappliesWithNothingToDo() async throws {
        let directory = Vigil.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let token = "policy-byod-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory + "/data", "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let base = "http://127.0.0.1:\(try await server.waitForPort())"
        let connection = ["--server", base, "--token", token]
        try await PolicyCommandFenceTests.createFacilities(PolicyCommandFenceTests.demoFacilities, base: base, token: token)

        let dryRun = try Vigil.run(["policy", "apply", "-f", Self.example, "--dry-run"] + connection)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        for line in [
            "agreement acceptable-use: would publish version 1", "  +   kind: acceptable_use",
            "agreement privacy: would publish version 1", "BYOD settings: would update (version 0 → 1)",
            "      byod:\n  -     autoApprove: false\n  +     autoApprove: true",
            "app org.hospital.ehr: would create (version 1)", "Dry run: nothing was applied.",
        ] {
            #expect(dryRun.stdout.contains(line), "dry run lacks \(line)")
        }
        let untouched = try Vigil.run(["policy", "export"] + connection).stdout
        #expect(untouched.contains("agreements: []") && untouched.contains("apps: []"), "a dry run writes nothing")

        let applied = try Vigil.run(["policy", "apply", "-f", Self.example, "--no-wait"] + connection)
        #expect(applied.status == 0, "\(applied.stderr)")
        for line in [
            "baseline: created (version 1)", "agreement acceptable-use: published version 1",
            "agreement privacy: published version 1", "BYOD settings: updated (version 0 → 1)",
            "app org.hospital.securechat: created (version 1)", "app org.hospital.parking: created (version 1)",
        ] {
            #expect(applied.stdout.contains(line), "apply lacks \(line)")
        }
        let again = try Vigil.run(["policy", "apply", "-f", Self.example] + connection)
        #expect(again.stdout == "No changes: the configuration in force is that of the file.\n", "\(again.stdout)")

        let exported = directory + "/exported.yaml"
        #expect(try Vigil.run(["policy", "export", "-o", exported] + connection).status == 0)
        let text = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(text.contains("  text: |\n    # Acceptable use of personal devices\n\n    Mercy General Hospital"))
        #expect(text.contains("approvalRules:\n  byod:\n    autoApprove: true"))
        #expect(text.contains("    deviceName: collect_hidden"))
        #expect(try Vigil.run(["policy", "apply", "-f", exported] + connection).stdout.contains("No changes"))

        // A new text, a collection level, an app renamed and another left out, a longer grace.
        let changed = directory + "/changed.yaml"
        let edited = text.replacingOccurrences(of: "within 60 days.", with: "within 30 days.")
            .replacingOccurrences(of: "  graceDays: 30\n", with: "  graceDays: 45\n")
            .replacingOccurrences(of: "    personalApps: never\n    serialNumber: never\n    hardwareIdentifiers: never\n    deviceName: collect\n  shared", with: "    personalApps: collect_hidden\n    serialNumber: never\n    hardwareIdentifiers: never\n    deviceName: collect\n  shared")
            .replacingOccurrences(of: "name: Secure Chat", with: "name: Secure Messaging")
        let parking = try #require(edited.range(of: "- id: org.hospital.parking"))
        let nextApp = try #require(edited.range(of: "- id:", range: parking.upperBound..<edited.endIndex))
        try Data((String(edited[..<parking.lowerBound]) + String(edited[nextApp.lowerBound...])).utf8)
            .write(to: URL(fileURLWithPath: changed))
        let preview = try Vigil.run(["policy", "apply", "-f", changed, "--dry-run"] + connection)
        for line in [
            "agreement acceptable-use: would publish version 2\n    - name: acceptable-use\n      text: |\n",
            "  -        install operating system updates within 60 days.\n  +        install operating system updates within 30 days.",
            "BYOD settings: would update (version 1 → 2)\n    collection:\n      byod:\n  -     personalApps: never\n"
                + "  +     personalApps: collect_hidden",
            "app org.hospital.securechat: would update (version 1 → 2)\n    - id: org.hospital.securechat\n"
                + "  -   name: Secure Chat\n  +   name: Secure Messaging",
            "note: agreement privacy: the file's graceDays is not version 1's",
            "note: app org.hospital.parking (version 1) is in the catalog but not in the file",
        ] {
            #expect(preview.stdout.contains(line), "dry run lacks \(line)\n\(preview.stdout)")
        }
        let changedOnce = try Vigil.run(["policy", "apply", "-f", changed, "--no-wait"] + connection)
        #expect(changedOnce.stdout.contains("agreement acceptable-use: published version 2"), "\(changedOnce.stdout)")
        #expect(changedOnce.stdout.contains("BYOD settings: updated (version 1 → 2)"))
        #expect(changedOnce.stdout.contains("app org.hospital.securechat: updated (version 1 → 2)"))
        let reapplied = try Vigil.run(["policy", "apply", "-f", changed] + connection).stdout
        #expect(reapplied.contains("No changes"), "\(reapplied)")
        #expect(reapplied.contains("note: app org.hospital.parking"), "a missing app is reported each time, never removed")
        #expect(try Vigil.run(["policy", "export"] + connection).stdout.contains("- id: org.hospital.parking"))

        // A policies-only file leaves the BYOD program as it is.
        let policiesOnly = directory + "/policies.yaml"
        try Data("format: vigil-policy/1\npolicies: []\n".utf8).write(to: URL(fileURLWithPath: policiesOnly))
        let removed = try Vigil.run(["policy", "apply", "-f", policiesOnly, "--no-wait"] + connection)
        #expect(removed.stdout.contains("baseline: removed (version 1)") && !removed.stdout.contains("BYOD"))
        #expect(try Vigil.run(["policy", "export"] + connection).stdout.contains("    personalApps: collect_hidden"))

        // A document whose kind changes would be refused: nothing of the file is applied.
        let kind = directory + "/kind.yaml"
        try Data(text.replacingOccurrences(of: "kind: privacy", with: "kind: acceptable_use").utf8)
            .write(to: URL(fileURLWithPath: kind))
        let line = try #require(text.components(separatedBy: "\n").firstIndex(of: "  kind: privacy")) + 1
        let refused = try Vigil.run(["policy", "apply", "-f", kind] + connection)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("\(kind):\(line): agreements[1].kind: must stay privacy, the kind of privacy version 1"),
            "\(refused.stderr)")
        #expect(!refused.stdout.contains("created"), "the policies of a refused file are not applied either")
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
