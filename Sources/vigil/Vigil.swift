import ArgumentParser

/// The `vigil` command: the server and its administration tools.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil: healthcare-grade mobile device management and clinical mobility server.",
        discussion: """
            Start the server with `vigil serve` (SQLite under ./vigil-data, listening on 127.0.0.1:8080).
            Create the first administrator with `vigil admin bootstrap`, which prints its API token.
            Every option can also be set with the VIGIL_* environment variable named in its help.
            """,
        subcommands: [
            Serve.self, Admin.self, PolicyCommand.self, Audit.self, AgentCommand.self, Simulate.self, Bench.self,
        ])
}
