import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import VigilAgent
import VigilCore

/// The push channel over a WebSocket (RFC 6455) with Hummingbird's client: the agent's
/// transport on Linux and the simulator's (`docs/commands.md`, "Push channel").
public struct WebSocketPushTransport: PushTransport {
    let logger: Logger

    /// The largest server message accepted.
    public static let maximumMessageSize = 256 * 1_024

    /// How often the agent pings the server on an idle connection.
    public static let pingInterval = Duration.seconds(30)

    /// A transport that logs to `logger`.
    public init(logger: Logger = Logger(label: "vigil.agent.push")) { self.logger = logger }

    public func connect(
        _ upgrade: AgentHTTPRequest, onMessage: @escaping @Sendable (PushMessage, any PushReplier) async throws -> Void
    ) async throws {
        var headers = HTTPFields()
        for (name, value) in upgrade.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        // Pings find a connection that died without a close (a network change), so that the runner reconnects.
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: Self.maximumMessageSize, additionalHeaders: headers, autoPing: .enabled(timePeriod: Self.pingInterval))
        let decoder = VigilJSON.makeDecoder()
        _ = try await WebSocketClient.connect(url: upgrade.url.absoluteString, configuration: configuration, logger: logger) {
            inbound, outbound, _ in
            let replier = Replier(outbound: outbound)
            for try await message in inbound.messages(maxSize: Self.maximumMessageSize) {
                guard case .text(let text) = message, let push = try? decoder.decode(PushMessage.self, from: Data(text.utf8))
                else { continue }
                try await onMessage(push, replier)
            }
        }
    }

    struct Replier: PushReplier {
        let outbound: WebSocketOutboundWriter
        func send(_ message: AgentPushMessage) async throws {
            try await outbound.write(.text(String(decoding: try VigilJSON.makeEncoder().encode(message), as: UTF8.self)))
        }
    }
}
