import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `POST /agent/v1/commands/results`: the device's outcomes of the commands it was given,
    /// at most ``CommandResults/maximumCount`` at once. Each is recorded only for a command of
    /// this device that takes it; the answer says which were refused and why.
    @Sendable func recordCommandResults(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let body = try JSONBody.decode(CommandResults.self, from: data, knownFields: nil)
        try Self.validate(body.results)
        return try APIJSON.response(try await commands.record(body.results, from: deviceID))
    }

    /// `GET /agent/v1/push` without a WebSocket upgrade: 426 for a signed request (the channel
    /// is a WebSocket), 401 otherwise.
    @Sendable func pushWithoutUpgrade(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        _ = try await authenticate(request, context)
        throw Problem(
            status: .upgradeRequired, kind: "upgrade-required", title: "The push channel is a WebSocket",
            detail: "Open GET \(PushChannel.path) with a WebSocket upgrade, signed by the session like any request.",
            headers: [.upgrade: "websocket"])
    }

    /// Refuses too many outcomes, or one that names no command.
    static func validate(_ results: [CommandOutcome]) throws {
        guard results.count <= CommandResults.maximumCount else {
            throw Problem.invalidField("results", "holds at most \(CommandResults.maximumCount) outcomes")
        }
        for (index, result) in results.enumerated() where CommandID(validating: result.commandID) == nil {
            throw Problem.invalidField("results[\(index)].commandID", "is not a command identifier")
        }
    }
}
