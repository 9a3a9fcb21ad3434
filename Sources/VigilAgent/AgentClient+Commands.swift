import Foundation
import VigilCore

extension AgentClient {
    /// Sends outcomes of commands (`POST /agent/v1/commands/results`), at most
    /// ``CommandResults/maximumCount`` at once.
    /// - Returns: Which the server recorded, and why it refused the others.
    public func reportResults(_ outcomes: [CommandOutcome]) async throws -> CommandResultsResponse {
        guard outcomes.count <= CommandResults.maximumCount else {
            throw ValidationError(field: "results", message: "must hold at most \(CommandResults.maximumCount) outcomes")
        }
        return try await exclusively {
            try await sendSigned("commands/results", CommandResults(results: outcomes), expecting: 200)
        }
    }

    /// The signed upgrade request of the push channel (`GET /agent/v1/push`), on a session of its
    /// own: the upgrade is sent by the push transport, outside this client's order of requests,
    /// so that sharing the requests' session could let a later request's counter arrive first.
    /// The connection lives as long as that session. Its `url` has the `ws` or `wss` scheme.
    public func pushUpgradeRequest() async throws -> AgentHTTPRequest {
        try await exclusively {
            var channel = try await openSession()
            var request = try wire.get("push")
            channel.sign(&request)
            var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
            components?.scheme = request.url.scheme == "https" ? "wss" : "ws"
            guard let url = components?.url else { throw AgentError.invalidServerURL(serverURL.absoluteString) }
            request.url = url
            return request
        }
    }
}
