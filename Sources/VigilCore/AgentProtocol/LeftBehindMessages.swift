import Foundation

/// The agent's report of a device left behind (`POST /agent/v1/left-behind`): it has lain still,
/// with nobody touching it, for the provisioning's `leftBehindAfterMinutes`.
public struct LeftBehindReport: Codable, Sendable, Equatable {
    /// Since when the device has not moved.
    public var stationarySince: Date
    /// When somebody last used it.
    public var lastInteractionAt: Date

    /// Describes a report.
    public init(stationarySince: Date, lastInteractionAt: Date) {
        self.stationarySince = stationarySince
        self.lastInteractionAt = lastInteractionAt
    }

    /// Since when the device has been both still and untouched.
    public var unattendedSince: Date { max(stationarySince, lastInteractionAt) }
}

/// What the server did with a left-behind report.
public struct LeftBehindAnswer: Codable, Sendable, Equatable {
    /// What was done.
    public enum Response: String, Codable, Sendable, CaseIterable {
        /// A lock command was issued (in the answer's `command`).
        case lock
        /// The security team was told (the audit trail); the device is not locked.
        case notify
        /// Nothing: the person is not on shift, or the device has not been unattended long enough.
        case none
    }

    public var response: Response
    /// Why, for a person to read.
    public var reason: String
    /// The lock command, for ``Response/lock``: the agent also gets it as any command.
    public var commandID: String?

    /// Describes an answer.
    public init(response: Response, reason: String, commandID: String? = nil) {
        self.response = response
        self.reason = reason
        self.commandID = commandID
    }
}
