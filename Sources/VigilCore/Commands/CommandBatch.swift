import Foundation

/// One command issued to a set of devices at once, and how far
/// it has come.
public struct CommandBatch: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "cmb"

    /// Unique identifier.
    public let id: CommandBatchID
    /// The command.
    public let kind: CommandKind
    /// Who issued it.
    public let issuedBy: AuditActor
    /// Why.
    public let reason: String
    /// When it was issued.
    public let createdAt: Date
    /// How many devices matched the filter.
    public let deviceCount: Int
    /// How many devices the command was refused for (their ownership does not allow it).
    public let refusedCount: Int
    /// The key the issuer gave, so that a request sent twice makes one batch.
    public let idempotencyKey: String?
    /// The batch's commands by state, such as `queued: 9000, acknowledged: 1000`.
    public var states: [CommandState: Int]

    /// Describes a batch.
    public init(
        id: CommandBatchID, kind: CommandKind, issuedBy: AuditActor, reason: String, createdAt: Date, deviceCount: Int,
        refusedCount: Int, idempotencyKey: String? = nil, states: [CommandState: Int] = [:]
    ) {
        self.idempotencyKey = idempotencyKey
        self.id = id
        self.kind = kind
        self.issuedBy = issuedBy
        self.reason = reason
        self.createdAt = createdAt
        self.deviceCount = deviceCount
        self.refusedCount = refusedCount
        self.states = states
    }

    /// How many of its commands have ended, of those issued.
    public var endedCount: Int { states.filter { $0.key.hasEnded }.values.reduce(0, +) }
    /// How many commands were issued.
    public var issuedCount: Int { states.values.reduce(0, +) }
}

/// The identifier of a ``CommandBatch``.
public typealias CommandBatchID = Identifier<CommandBatch>
