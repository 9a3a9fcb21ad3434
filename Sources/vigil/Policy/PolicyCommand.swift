import ArgumentParser
import Foundation
import VigilCore
import VigilServer

/// `vigil policy`: the organization's configuration as code, in a YAML file.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Apply, export and check the organization's policies as a YAML file.",
        discussion: """
            The file format is described in docs/compliance.md; Sources/VigilServer/Resources/hospital.yaml \
            is an example. `apply` and `export` talk to a running server with an administrator's token; \
            `check` reads a file offline.

            Example:
              vigil policy apply -f hospital.yaml --dry-run
              vigil policy apply -f hospital.yaml
              vigil policy export > hospital.yaml
            """,
        subcommands: [Apply.self, Export.self, Check.self])

    /// `vigil policy check`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file without applying it; errors name the line and the field.")

        @Option(name: .shortAndLong, help: "The policy file.")
        var file: String

        func run() throws {
            let policies = try PolicyFileArgument.read(file).policies
            print("\(file): \(policies.count) valid \(policies.count == 1 ? "policy" : "policies").")
        }
    }

    /// `vigil policy export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policies in force as a policy file.")

        @OptionGroup var server: ServerOptions

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let policies = try await server.withClient { client in try await client.policies() }
            let yaml = PolicyFile(policies: policies).yaml()
            guard let output else { return print(yaml, terminator: "") }
            do {
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
            }
            print("Wrote \(policies.count) policies to \(output).")
        }
    }

    /// `vigil policy apply`.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the policies in force those of a file: create, update and remove.",
            discussion: """
                Policies in the file but not in force are created, those whose content differs are \
                updated (their version goes up by one), and those in force but not in the file are \
                removed. Applying the same file twice changes nothing. After a change the whole fleet is \
                evaluated again; its progress is shown until it is done (unless --no-wait).
                """)

        @OptionGroup var server: ServerOptions

        @Option(name: .shortAndLong, help: "The policy file.")
        var file: String

        @Flag(help: "Print the difference with the policies in force without applying it.")
        var dryRun = false

        @Flag(help: "Do not wait for the fleet evaluation that follows a change.")
        var noWait = false

        func run() async throws {
            let desired = try PolicyFileArgument.read(file).policies
            let (dryRun, noWait) = (dryRun, noWait)
            try await server.withClient { client in
                let current = try await client.policies()
                let result = try await client.apply(desired, dryRun: dryRun)
                guard !result.changes.isEmpty else { return print("No changes: the policies in force are those of the file.") }
                print(PolicyDifference.render(result.changes, current: current, desired: desired, dryRun: dryRun))
                if dryRun { return print("Dry run: nothing was applied.") }
                guard let job = result.evaluation, !noWait else { return }
                let done = try await client.waitForEvaluation(job.id)
                print("Fleet evaluated: \(done.evaluated) devices, \(done.changed) changed.")
            }
        }
    }
}

/// Reads a policy file, turning its errors into `FILE:LINE: field: message`.
enum PolicyFileArgument {
    static func read(_ path: String) throws -> PolicyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("\(path) is not UTF-8 text") }
        do {
            return try PolicyFile.parse(text)
        } catch let error as PolicyFileError {
            throw CommandFailure("\(path):\(error.line.map { "\($0):" } ?? "") \(error.field.isEmpty ? "" : "\(error.field): ")\(error.message)")
        }
    }
}
