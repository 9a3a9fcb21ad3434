import ArgumentParser
import Foundation
import VigilCore
import VigilServer

/// `vigil policy`: the organization's configuration as code, in a YAML file.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Apply, export and check the organization's policies, BYOD program and fences as a YAML file.",
        discussion: """
            The file format is described in docs/compliance.md, docs/byod.md and docs/geofencing.md; \
            Sources/VigilServer/Resources/hospital.yaml is an example. `apply` and `export` talk to a running \
            server with an administrator's token; `check` reads a file offline.

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
            let contents = try PolicyFileArgument.read(file)
            let count = { (number: Int, one: String, many: String) in "\(number) \(number == 1 ? one : many)" }
            var sections = [count(contents.policies.count, "valid policy", "valid policies")]
            if let agreements = contents.agreements { sections.append(count(agreements.count, "agreement", "agreements")) }
            if contents.approvalRules != nil { sections.append("approval rules") }
            if contents.collection != nil { sections.append("a collection matrix") }
            if let apps = contents.apps { sections.append(count(apps.count, "app", "apps")) }
            if let fences = contents.fences { sections.append(count(fences.count, "fence", "fences")) }
            let last = sections.removeLast()
            print("\(file): " + (sections.isEmpty ? last : sections.joined(separator: ", ") + " and " + last) + ".")
        }
    }

    /// `vigil policy export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policies, BYOD program and fences in force as a policy file.")

        @OptionGroup var server: ServerOptions

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() async throws {
            let file = try await server.withClient { client in
                var file = PolicyFile(
                    inForce: try await client.policies(), agreements: try await client.agreements(),
                    settings: try await client.byodSettings(), apps: try await client.catalogApps(), at: Date())
                do {
                    file.fences = try PolicyFile.fences(inForce: try await client.fences(), facilities: try await client.facilities())
                } catch let error as PolicyFileError {
                    throw CommandFailure("cannot export the fences: \(error.message)")
                }
                return file
            }
            let yaml = file.yaml()
            guard let output else { return print(yaml, terminator: "") }
            do {
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CommandFailure("cannot write \(output): \(error.localizedDescription)")
            }
            print(
                "Wrote \(file.policies.count) policies, \(file.agreements?.count ?? 0) agreements, the BYOD settings, "
                    + "\(file.apps?.count ?? 0) apps and \(file.fences?.count ?? 0) fences to \(output).")
        }
    }

    /// `vigil policy apply`.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the configuration in force that of a file: fences, policies, then the BYOD program.",
            discussion: """
                First the fences, if the file has them, so that policies find the fences they need: a \
                fence is known by its facility's name and its own; a new one is created and one whose \
                shape differs is updated (at the version read, so a concurrent change is refused). \
                Policies in the file but not in force are created, those whose content differs are \
                updated (their version goes up by one), and those in force but not in the file are \
                removed. Then the BYOD sections the file has: a document whose title, text, kind or \
                audience differs from its latest version is published as the next version; the approval \
                rules and the collection matrix replace those in force when they differ; catalog apps are \
                created or updated. Published documents, catalog apps and fences that the file leaves out \
                are reported, never removed. A fence of a facility the server does not have stops the \
                whole file before anything is written. Applying the same file twice changes nothing. After a change the \
                whole fleet is evaluated again; its progress is shown until it is done (unless --no-wait).
                """)

        @OptionGroup var server: ServerOptions

        @Option(name: .shortAndLong, help: "The policy file.")
        var file: String

        @Flag(help: "Print the difference with the configuration in force without applying it.")
        var dryRun = false

        @Flag(help: "Do not wait for the fleet evaluation that follows a change.")
        var noWait = false

        func run() async throws {
            let desired = try PolicyFileArgument.read(file)
            let (path, dryRun, noWait) = (file, dryRun, noWait)
            try await server.withClient { client in
                let current = try await client.policies()
                let now = Date()
                // Worked out before anything is written, so that a document the server would refuse,
                // or a fence of a facility it does not have, stops the whole file.
                let byod: BYODChanges
                let place: PlaceChanges
                do {
                    byod = try BYODChanges(
                        file: desired, agreements: try await client.agreements(), settings: try await client.byodSettings(),
                        apps: try await client.catalogApps(), at: now)
                    place = desired.fences == nil
                        ? try PlaceChanges(file: desired, facilities: [], fences: [])
                        : try PlaceChanges(file: desired, facilities: try await client.facilities(), fences: try await client.fences())
                } catch let error as PolicyFileError {
                    throw PolicyFileArgument.failure(error, in: path)
                }
                if dryRun {
                    FenceDifference.dryRun(place).forEach { print($0) }
                } else {
                    try await FenceApplication.apply(place, with: client)
                }
                let result = try await client.apply(desired.policies, dryRun: dryRun)
                if !result.changes.isEmpty {
                    print(PolicyDifference.render(result.changes, current: current, desired: desired.policies, dryRun: dryRun))
                }
                var evaluation = result.evaluation?.id
                if dryRun {
                    BYODDifference.dryRun(byod, at: now).forEach { print($0) }
                } else if let started = try await BYODApplication.apply(byod, with: client, at: now) {
                    evaluation = started
                }
                byod.notes.forEach { print("note: \($0)") }
                place.notes.forEach { print("note: \($0)") }
                guard !result.changes.isEmpty || !byod.isEmpty || !place.isEmpty else {
                    return print("No changes: the configuration in force is that of the file.")
                }
                if dryRun { return print("Dry run: nothing was applied.") }
                guard let evaluation, !noWait else { return }
                let done = try await client.waitForEvaluation(evaluation)
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
            throw failure(error, in: path)
        }
    }

    /// A fault of the file at `path`, as `FILE:LINE: field: message`; the line is looked up in
    /// the file when the error names only the field.
    static func failure(_ error: PolicyFileError, in path: String) -> CommandFailure {
        var error = error
        if error.line == nil, !error.field.isEmpty, let data = FileManager.default.contents(atPath: path) {
            error.line = PolicyFile.line(of: error.field, in: String(decoding: data, as: UTF8.self))
        }
        return CommandFailure("\(path):\(error.line.map { "\($0):" } ?? "") \(error.field.isEmpty ? "" : "\(error.field): ")\(error.message)")
    }
}
