import Foundation

/// A message from the server on the push channel, one JSON text frame each: the wire format of
/// the `GET /agent/v1/push` WebSocket (`docs/commands.md`, "Push channel").
public struct PushMessage: Codable, Sendable, Equatable {
    /// What the message carries.
    public enum Kind: String, Codable, Sendable {
        /// Commands to execute, in order.
        case commands
        /// The access decision changed.
        case access
        /// The connection is ready: sent once, first.
        case ready
        /// What became of the answers the agent sent on the channel.
        case results
    }

    /// What the message carries.
    public var type: Kind
    /// For ``Kind/commands``: the commands.
    public var commands: [PendingCommand]?
    /// For ``Kind/access``: the decision now.
    public var access: AccessStatus?
    /// For ``Kind/results``: which answers were recorded, and why others were refused.
    public var results: CommandResultsResponse?
    /// When the server sent it.
    public var serverTime: Date

    /// Describes a message.
    public init(
        type: Kind, commands: [PendingCommand]? = nil, access: AccessStatus? = nil, results: CommandResultsResponse? = nil,
        serverTime: Date
    ) {
        self.type = type
        self.commands = commands
        self.access = access
        self.results = results
        self.serverTime = serverTime
    }
}

/// A message from the agent on the push channel: answers to commands.
public struct AgentPushMessage: Codable, Sendable, Equatable {
    /// The answers, at most ``CommandResults/maximumCount``.
    public var results: [CommandOutcome]

    /// Describes a message.
    public init(results: [CommandOutcome]) { self.results = results }
}

/// The agent's answers to commands, for an agent without a push channel open: the body of
/// `POST /agent/v1/commands/results`.
public struct CommandResults: Codable, Sendable, Equatable {
    /// The answers.
    public var results: [CommandOutcome]
    /// The most answers in one request or message.
    public static let maximumCount = 64

    /// Describes the answers.
    public init(results: [CommandOutcome]) { self.results = results }
}

/// The answer to ``CommandResults``: which answers were recorded.
public struct CommandResultsResponse: Codable, Sendable, Equatable {
    /// The commands whose answers were recorded.
    public var recorded: [String]
    /// The commands whose answers were refused (unknown, another device's, or ended already),
    /// with why; the agent forgets them.
    public var refused: [String: String]

    /// Describes the answer.
    public init(recorded: [String], refused: [String: String]) {
        self.recorded = recorded
        self.refused = refused
    }
}
