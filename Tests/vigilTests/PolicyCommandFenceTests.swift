import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigil policy` with the place parts of a file, `fences:` and a policy's `conditions:`, as
/// processes against a running `vigil serve`.
@Suite struct PolicyCommandFenceTests {
    /// The facilities `hospital.yaml` names.
    static let demoFacilities = ["Mercy General Hospital", "Lakeside Outpatient Clinic"]

    /// Sends a request with an administrator's token.
    /// - Returns: The status and the decoded JSON answer, if any.
    static func send(_ method: String, _ path: String, json: String? = nil, base: String, token: String) async throws
        -> (status: Int, body: Any?)
    {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONSerialization.jsonObject(with: data))
    }

    /// Creates facilities, as an administrator does before applying a file whose fences name them.
    /// - Returns: Their identifiers.
    @discardableResult
    static func createFacilities(_ names: [String], base: String, token: String) async throws -> [String] {
        var ids: [String] = []
        for name in names {
            let created = try await send(
                "POST", "/api/v1/facilities",
                json: #"{"name": "\#(name)", "address": "Springfield, IL", "timeZone": "America/Chicago"}"#, base: base,
                token: token)
            #expect(created.status == 201, "\(created)")
            ids.append(try #require((created.body as? [String: Any])?["id"] as? String))
        }
        return ids
    }

    /// A new server with a first administrator, and a directory for files.
    /// - Returns: The server (terminate it when done), its base URL, the connection arguments of
    ///   `vigil policy` and the directory.
    static func startServer() async throws -> (server: Vigil.Running, base: String, token: String, connection: [String], directory: String) {
        let directory = Vigil.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let token = "policy-place-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory + "/data", "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        let base = "http://127.0.0.1:\(try await server.waitForPort())"
        return (server, base, token, ["--server", base, "--token", token], directory)
    }

    /// The line of a file's text that is exactly `line`, from 1.
    static func line(of line: String, in text: String) throws -> Int {
        try #require(text.components(separatedBy: "\n").firstIndex(of: line)) + 1
    }

    @Test func fencesApplyExportAndReapplyWithNothingToDo() async throws {
        let (server, base, token, connection, directory) = try await Self.startServer()
        defer { server.process.terminate() }
        let example = PolicyCommandTests.example
        let exampleText = try String(contentsOfFile: example, encoding: .utf8)

        // Without the facilities its fences name, nothing of the file is applied.
        let unknown = try Vigil.run(["policy", "apply", "-f", example] + connection)
        #expect(unknown.status != 0)
        let mercyLine = try Self.line(of: "  - facility: Mercy General Hospital", in: exampleText)
        #expect(
            unknown.stderr.contains(
                "\(example):\(mercyLine): fences[0].facility: 'Mercy General Hospital' is not a facility of the server, "
                    + "which has none yet"), "\(unknown.stderr)")
        let empty = try Vigil.run(["policy", "export"] + connection).stdout
        #expect(empty.contains("policies: []") && empty.contains("fences: []"), "\(empty)")

        let mercy = try await Self.createFacilities(Self.demoFacilities, base: base, token: token)[0]
        let dryRun = try Vigil.run(["policy", "apply", "-f", example, "--dry-run"] + connection)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        for line in [
            "fence 'Main campus' of Mercy General Hospital: would create (version 1)\n  + - facility: Mercy General Hospital\n"
                + "  +   name: Main campus\n  +   geometry:\n  +     type: Polygon\n  +     coordinates:\n"
                + "  +     - - [-89.653, 39.799]\n  +       - [-89.6483, 39.799]\n",
            "fence 'Clinic' of Lakeside Outpatient Clinic: would create (version 1)", "  +   radius: 150",
            "baseline: would create (version 1)", "Dry run: nothing was applied.",
        ] {
            #expect(dryRun.stdout.contains(line), "dry run lacks \(line)\n\(dryRun.stdout)")
        }
        #expect(try Vigil.run(["policy", "export"] + connection).stdout.contains("fences: []"), "a dry run writes nothing")

        let applied = try Vigil.run(["policy", "apply", "-f", example, "--no-wait"] + connection)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("fence 'Main campus' of Mercy General Hospital: created (version 1)"))
        #expect(applied.stdout.contains("fence 'Clinic' of Lakeside Outpatient Clinic: created (version 1)"))
        let again = try Vigil.run(["policy", "apply", "-f", example] + connection)
        #expect(again.stdout == "No changes: the configuration in force is that of the file.\n", "\(again.stdout)")

        let exported = directory + "/exported.yaml"
        let wrote = try Vigil.run(["policy", "export", "-o", exported] + connection)
        #expect(wrote.stdout.contains("3 apps and 2 fences to \(exported)"), "\(wrote.stdout)")
        let text = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(
            text.contains(
                "fences:\n- facility: Lakeside Outpatient Clinic\n  name: Clinic\n  geometry:\n    type: Point\n"
                    + "    coordinates: [-89.639, 39.7905]\n  radius: 150\n\n- facility: Mercy General Hospital\n"), "\(text)")
        #expect(try Vigil.run(["policy", "apply", "-f", exported] + connection).stdout.contains("No changes"))

        // A moved vertex and a wider circle are updates; a fence added meanwhile on the server is kept.
        let parking = try await Self.send(
            "POST", "/api/v1/facilities/\(mercy)/fences",
            json: #"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-89.652, 39.7985]}, "properties": {"name": "Parking", "radius": 60}}"#,
            base: base, token: token)
        #expect(parking.status == 201, "\(parking)")
        let changed = directory + "/changed.yaml"
        let edited = text.replacingOccurrences(of: "- [-89.6475, 39.8022]", with: "- [-89.6475, 39.803]")
            .replacingOccurrences(of: "radius: 150", with: "radius: 200")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: changed))
        let preview = try Vigil.run(["policy", "apply", "-f", changed, "--dry-run"] + connection)
        for line in [
            "fence 'Main campus' of Mercy General Hospital: would update (version 1 → 2)\n    - facility: Mercy General Hospital\n",
            "  -       - [-89.6475, 39.8022]\n  +       - [-89.6475, 39.803]\n",
            "fence 'Clinic' of Lakeside Outpatient Clinic: would update (version 1 → 2)\n    - facility: Lakeside Outpatient Clinic\n"
                + "  -   radius: 150\n  +   radius: 200",
            "note: fence 'Parking' of Mercy General Hospital (version 1) is on the server but not in the file; it is kept",
        ] {
            #expect(preview.stdout.contains(line), "dry run lacks \(line)\n\(preview.stdout)")
        }
        #expect(!preview.stdout.contains("No changes"))
        let updated = try Vigil.run(["policy", "apply", "-f", changed] + connection)
        #expect(updated.stdout.contains("fence 'Main campus' of Mercy General Hospital: updated (version 1 → 2)"), "\(updated.stdout)")
        #expect(updated.stdout.contains("fence 'Clinic' of Lakeside Outpatient Clinic: updated (version 1 → 2)"))
        let reapplied = try Vigil.run(["policy", "apply", "-f", changed] + connection).stdout
        #expect(reapplied.contains("No changes") && reapplied.contains("note: fence 'Parking'"), "\(reapplied)")
        let afterUpdate = try Vigil.run(["policy", "export"] + connection).stdout
        #expect(afterUpdate.contains("  name: Parking\n") && afterUpdate.contains("- [-89.6475, 39.803]"))

        // A facility the server does not have: nothing of the file is applied, the policies neither.
        let wrong = directory + "/wrong.yaml"
        try Data(
            edited.replacingOccurrences(of: "- facility: Lakeside Outpatient Clinic", with: "- facility: Lakeside West")
                .replacingOccurrences(of: "- [-89.6475, 39.803]", with: "- [-89.6475, 39.804]")
                .replacingOccurrences(of: "maximumPatchAgeDays: 90", with: "maximumPatchAgeDays: 30").utf8
        ).write(to: URL(fileURLWithPath: wrong))
        let refused = try Vigil.run(["policy", "apply", "-f", wrong] + connection)
        #expect(refused.status != 0)
        let wrongLine = try Self.line(of: "- facility: Lakeside West", in: try String(contentsOfFile: wrong, encoding: .utf8))
        #expect(
            refused.stderr.contains(
                "\(wrong):\(wrongLine): fences[0].facility: 'Lakeside West' is not a facility of the server; its facilities "
                    + "are 'Lakeside Outpatient Clinic', 'Mercy General Hospital'"), "\(refused.stderr)")
        #expect(try Vigil.run(["policy", "export"] + connection).stdout == afterUpdate, "nothing of a refused file is applied")

        // Two facilities of one name: the file could not tell them apart.
        try await Self.createFacilities(["Lakeside Outpatient Clinic"], base: base, token: token)
        let ambiguous = try Vigil.run(["policy", "export"] + connection)
        #expect(ambiguous.status != 0)
        #expect(
            ambiguous.stderr.contains("cannot export the fences: cannot name the facility of fence fen_")
                && ambiguous.stderr.contains("2 facilities are named 'Lakeside Outpatient Clinic'"), "\(ambiguous.stderr)")
        let ambiguousApply = try Vigil.run(["policy", "apply", "-f", changed] + connection)
        #expect(ambiguousApply.status != 0)
        #expect(ambiguousApply.stderr.contains("fences[0].facility: is the name of 2 facilities"), "\(ambiguousApply.stderr)")
    }

    @Test func conditionsApplyExportAndShowInTheDifference() async throws {
        let (server, base, token, connection, directory) = try await Self.startServer()
        defer { server.process.terminate() }

        let file = directory + "/conditions.yaml"
        let yaml = """
            format: vigil-policy/1
            policies:
              - name: on-shift
                requirements: {}
                conditions: {requireInsideFacility: true, requireOnShift: true, staleAfterMinutes: 15}

            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: file))
        let check = try Vigil.run(["policy", "check", "-f", file])
        #expect(check.stdout.contains("1 valid policy."), "\(check.stdout)")
        let created = try Vigil.run(["policy", "apply", "-f", file, "--no-wait"] + connection)
        #expect(created.stdout.contains("on-shift: created (version 1)\n  + - name: on-shift\n  +   requirements: {}\n  +   conditions:\n"
            + "  +     requireInsideFacility: true\n  +     requireOnShift: true\n  +     staleAfterMinutes: 15"), "\(created.stdout)")
        let policy = try await Self.send("GET", "/api/v1/policies/on-shift", base: base, token: token)
        let conditions = (policy.body as? [String: Any])?["conditions"] as? [String: Any]
        #expect(conditions?["requireOnShift"] as? Bool == true && conditions?["staleAfterMinutes"] as? Int == 15, "\(policy)")

        let exported = directory + "/exported.yaml"
        #expect(try Vigil.run(["policy", "export", "-o", exported] + connection).status == 0)
        let text = try String(contentsOfFile: exported, encoding: .utf8)
        #expect(text.contains("  conditions:\n    requireInsideFacility: true\n    requireOnShift: true\n    staleAfterMinutes: 15\n"))
        #expect(try Vigil.run(["policy", "apply", "-f", exported] + connection).stdout.contains("No changes"))

        try Data(text.replacingOccurrences(of: "staleAfterMinutes: 15", with: "staleAfterMinutes: 30").utf8)
            .write(to: URL(fileURLWithPath: file))
        let preview = try Vigil.run(["policy", "apply", "-f", file, "--dry-run"] + connection)
        #expect(
            preview.stdout.contains("on-shift: would update (version 1 → 2)\n  -     staleAfterMinutes: 15\n  +     staleAfterMinutes: 30"),
            "\(preview.stdout)")

        let typo = directory + "/typo.yaml"
        try Data(yaml.replacingOccurrences(of: "requireOnShift", with: "requireShift").utf8).write(to: URL(fileURLWithPath: typo))
        let bad = try Vigil.run(["policy", "check", "-f", typo])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("\(typo):5: policies[0].conditions.requireShift: is not a known key"), "\(bad.stderr)")
    }
}
