import ArgumentParser
import Foundation

/// Which server an administration command talks to, and with whose token.
struct ServerOptions: ParsableArguments {
    @Option(help: "The Vigil server's base URL (env: VIGIL_SERVER_URL; default: http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "An administrator's API token (env: VIGIL_TOKEN).")
    var token: String?

    /// Runs `body` with a client for the server, and shuts the client down afterwards.
    func withClient<Result: Sendable>(_ body: @Sendable (AdminClient) async throws -> Result) async throws -> Result {
        let address = server ?? Environment.value("VIGIL_SERVER_URL") ?? "http://127.0.0.1:8080"
        guard let url = URL(string: address), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--server must be an http or https URL, such as http://127.0.0.1:8080")
        }
        guard let token = token ?? Environment.value("VIGIL_TOKEN") else {
            throw ValidationError("give an administrator's token with --token or VIGIL_TOKEN")
        }
        let client = AsyncHTTPClientTransport.makeClient(connections: 1)
        do {
            let result = try await body(
                AdminClient(serverURL: url, token: token, transport: AsyncHTTPClientTransport(client: client)))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
