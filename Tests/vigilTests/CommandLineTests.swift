import Foundation
import Testing
import VigilTestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `vigil` executable, run as an operator would run it.
@Suite struct CommandLineTests {
    @Test func helpExplainsEveryCommand() throws {
        let top = try Vigil.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("serve") && top.stdout.contains("admin"))
        let serve = try Vigil.run(["serve", "--help"])
        for option in ["--host", "--port", "--data-dir", "--database", "--log-level", "--demo", "VIGIL_PORT"] {
            #expect(serve.stdout.contains(option), "serve --help lacks \(option)")
        }
        #expect(try Vigil.run(["admin", "--help"]).stdout.contains("bootstrap"))
        #expect(try Vigil.run(["admin", "bootstrap", "--help"]).stdout.contains("standard output"))
        #expect(try Vigil.run(["admin", "token", "create", "--help"]).stdout.contains("--scope"))
        let audit = try Vigil.run(["audit", "--help"]).stdout
        for command in ["verify", "verify-proof", "rotate-key", "archive"] {
            #expect(audit.contains(command), "audit --help lacks \(command)")
        }
        #expect(serve.stdout.contains("--ledger-sign-every") && serve.stdout.contains("VIGIL_LEDGER_SIGN_INTERVAL"))
    }

    @Test func bootstrapPrintsOnlyATokenAndRefusesASecondTime() throws {
        let directory = Vigil.temporaryDirectory()
        let first = try Vigil.run(["admin", "bootstrap", "--data-dir", directory])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.range(of: #"^vigil_[A-Za-z0-9_-]{43}\n$"#, options: .regularExpression) != nil)
        let second = try Vigil.run(["admin", "bootstrap", "--data-dir", directory])
        #expect(second.status != 0)
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("an administrator exists already"))

        let token = try Vigil.run(
            ["admin", "token", "create", "--data-dir", directory, "--email", "ADMIN@vigil.local", "--name", "ci"])
        #expect(token.status == 0, "\(token.stderr)")
        #expect(token.stdout.hasPrefix("vigil_"))
        let unknown = try Vigil.run(
            ["admin", "token", "create", "--data-dir", directory, "--email", "nobody@x.example", "--name", "ci"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no person has the email nobody@x.example"))
        let badURL = try Vigil.run(["admin", "bootstrap", "--database", "mysql://x@y/z"])
        #expect(badURL.status != 0)
        #expect(badURL.stderr.contains("postgres://"))
    }

    @Test func serveStartsSaysWhereAndShutsDownOnSIGTERM() async throws {
        let directory = Vigil.temporaryDirectory()
        let chosen = "chosen-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": chosen])
        defer { server.process.terminate() }
        let port = try await server.waitForPort()
        let log = server.output()
        #expect(log.contains("Database: SQLite at \(directory)/vigil.sqlite"))
        #expect(log.contains("Created the first administrator with the token from VIGIL_BOOTSTRAP_TOKEN"))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/me")!)
        request.setValue("Bearer \(chosen)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let (_, health) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((health as? HTTPURLResponse)?.statusCode == 200)

        kill(server.process.processIdentifier, SIGTERM)
        let status = try await server.waitForExit(seconds: 15)
        #expect(status == 0)
        #expect(!server.output().contains(chosen), "the secret reached the log")
        #expect(server.output().contains("http.route=/api/v1/me"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/vigil.sqlite"))
    }
}
