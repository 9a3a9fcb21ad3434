/// A device's answer to a command, as ``CommandResults`` and ``AgentPushMessage`` carry it.
public struct CommandOutcome: Codable, Sendable, Equatable {
    /// How the device answers.
    public enum Status: String, Codable, CaseIterable, Sendable {
        /// Done.
        case acknowledged
        /// Tried and could not; ``CommandOutcome/detail`` says why.
        case failed
        /// Not now; ask again after ``CommandOutcome/retryAfterSeconds``.
        case notNow = "not_now"
    }

    /// The command, as ``PendingCommand/id`` named it.
    public var commandID: String
    /// The answer.
    public var status: Status
    /// The result, the error or the reason, in a few words; never PHI (at most 500 characters kept).
    public var detail: String?
    /// For ``Status/notNow``: when to ask again, in seconds (30 s to a day; 5 minutes if absent).
    public var retryAfterSeconds: Int?

    /// Describes an answer.
    public init(commandID: String, status: Status, detail: String? = nil, retryAfterSeconds: Int? = nil) {
        self.commandID = commandID
        self.status = status
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }
}
