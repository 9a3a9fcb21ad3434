import Foundation
import VigilCore

/// How the agent keeps its push channel open (`docs/commands.md`, "Push channel"): a WebSocket
/// on Linux (the `vigil` executable's), the platform's own elsewhere. The SDK signs the upgrade
/// request and handles the messages; the transport only carries them.
public protocol PushTransport: Sendable {
    /// Opens a connection with the upgrade request and hands every server message to
    /// `onMessage`, with a way to answer; returns when the connection closes.
    /// - Throws: When the connection cannot be opened, or fails.
    func connect(
        _ upgrade: AgentHTTPRequest, onMessage: @escaping @Sendable (PushMessage, any PushReplier) async throws -> Void
    ) async throws
}

/// The agent's side of an open push connection.
public protocol PushReplier: Sendable {
    /// Sends answers to commands.
    func send(_ message: AgentPushMessage) async throws
}
