import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import VigilCore

/// `GET /agent/v1/push` upgraded to a WebSocket (`docs/commands.md`, "Push channel"): the
/// upgrade request is signed like any agent request, with an empty body; the connection then
/// carries ``PushMessage``s to the agent and ``AgentPushMessage``s back, one JSON text frame each.
struct PushChannel: Sendable {
    let sessions: DeviceSessions
    let commands: CommandServices

    /// The path of the upgrade request.
    static let path = AgentProtocol.basePath + "/push"
    /// The largest message an agent may send.
    static let maximumMessageSize = 64 * 1_024

    /// The server's channel builder: HTTP/1.1, with this channel's upgrade.
    var serverBuilder: HTTPServerBuilder {
        .http1WebSocketUpgrade(configuration: .init(maxFrameSize: Self.maximumMessageSize)) { head, _, _ in
            self.shouldUpgrade(head)
        }
    }

    /// Upgrades a signed request of a live session; any other request goes on to the router,
    /// whose `GET /agent/v1/push` explains the refusal.
    func shouldUpgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard head.method == .get, let target = head.path, target.split(separator: "?").first.map(String.init) == Self.path,
            let header = head.headerFields[.authorization], let signature = RequestSignature(header: header),
            let deviceID = try? sessions.authenticate(signature, method: "GET", target: target, body: Data(), at: Date())
        else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, context in
            try await serve(deviceID, sessionID: signature.sessionID, inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    /// Runs one connection until the agent closes it, its session ends or a newer connection of
    /// the device replaces it.
    func serve(
        _ deviceID: DeviceID, sessionID: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        logger: Logger
    ) async throws {
        let (id, outbox) = commands.hub.connect(deviceID, sessionID: sessionID)
        defer { commands.hub.disconnect(deviceID, id: id) }
        let encoder = VigilJSON.makeEncoder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outbox {
                    try await outbound.write(.text(String(decoding: try encoder.encode(message), as: UTF8.self)))
                }
            }
            group.addTask { try await receive(from: deviceID, inbound: inbound) }
            commands.hub.send(PushMessage(type: .ready, serverTime: Date().roundedToMilliseconds), to: deviceID)
            await commands.push(to: [deviceID])
            // Whichever ends first, the outbox (replaced, session over) or the agent's side, ends the connection.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// Records the outcomes the agent sends and answers what became of them.
    private func receive(from deviceID: DeviceID, inbound: WebSocketInboundStream) async throws {
        let decoder = VigilJSON.makeDecoder()
        for try await message in inbound.messages(maxSize: Self.maximumMessageSize) {
            guard case .text(let text) = message,
                let answers = try? decoder.decode(AgentPushMessage.self, from: Data(text.utf8)),
                (try? AgentController.validate(answers.results)) != nil
            else { return }
            let response = try await commands.record(answers.results, from: deviceID)
            commands.hub.send(PushMessage(type: .results, results: response, serverTime: Date().roundedToMilliseconds), to: deviceID)
        }
    }
}
