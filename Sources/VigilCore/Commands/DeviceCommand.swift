import Foundation

/// One command for one device, with its whole life (`docs/commands.md`).
///
/// A command is waiting while it is `queued`, `delivered` or `not_now`; it may be sent to its
/// device once ``availableAt`` has come and until ``expiresAt``. Delivering it moves
/// ``availableAt`` on by the redelivery delay, so an answer lost on the way is made good by
/// sending the command again, and an answer of "not now" moves it on by the device's delay: a
/// command put off never stands in the way of the ones behind it.
public struct DeviceCommand: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "cmd"

    /// Unique identifier; the device answers with it.
    public let id: CommandID
    /// The device.
    public let deviceID: DeviceID
    /// What to do.
    public let kind: CommandKind
    /// Its parameters (``CommandParameters``), such as a lock screen message.
    public let parameters: [String: String]
    /// Delivery order among the device's waiting commands.
    public let priority: CommandPriority
    /// Where it stands.
    public internal(set) var state: CommandState
    /// What made it: a person, or one of Vigil's own rules.
    public let origin: CommandOrigin
    /// Who issued it: a person, or Vigil itself for a rule.
    public let issuedBy: AuditActor
    /// Why, in the issuer's words or the rule's.
    public let reason: String
    /// The key the issuer gave, so that a request sent twice makes one command.
    public let idempotencyKey: String?
    /// The batch it belongs to, when it was issued to a set of devices at once.
    public let batchID: CommandBatchID?
    /// When it was issued.
    public let createdAt: Date
    /// When it may next be sent: its creation, a scheduled time, a redelivery or a device's delay.
    public internal(set) var availableAt: Date
    /// When it expires if it has not ended.
    public let expiresAt: Date
    /// How many times it was sent.
    public internal(set) var attempts: Int
    /// When it was last sent.
    public internal(set) var deliveredAt: Date?
    /// When it ended.
    public internal(set) var endedAt: Date?
    /// The device's answer: its result, its error, or why not now; bounded and free of PHI.
    public internal(set) var result: String?
    /// The administrator who released it from the guard-rail.
    public internal(set) var approvedBy: PersonID?
    /// The person who cancelled it, if a person did.
    public internal(set) var cancelledBy: PersonID?

    /// Describes a command as stored; new commands come from
    /// ``CommandDraft/command(for:origin:issuer:at:availableAt:batchID:)``.
    public init(
        id: CommandID, deviceID: DeviceID, kind: CommandKind, parameters: [String: String], priority: CommandPriority,
        state: CommandState, origin: CommandOrigin, issuedBy: AuditActor, reason: String, idempotencyKey: String?,
        batchID: CommandBatchID?, createdAt: Date, availableAt: Date, expiresAt: Date, attempts: Int = 0,
        deliveredAt: Date? = nil, endedAt: Date? = nil, result: String? = nil, approvedBy: PersonID? = nil,
        cancelledBy: PersonID? = nil
    ) {
        self.id = id
        self.deviceID = deviceID
        self.kind = kind
        self.parameters = parameters
        self.priority = priority
        self.state = state
        self.origin = origin
        self.issuedBy = issuedBy
        self.reason = reason
        self.idempotencyKey = idempotencyKey
        self.batchID = batchID
        self.createdAt = createdAt
        self.availableAt = availableAt
        self.expiresAt = expiresAt
        self.attempts = attempts
        self.deliveredAt = deliveredAt
        self.endedAt = endedAt
        self.result = result
        self.approvedBy = approvedBy
        self.cancelledBy = cancelledBy
    }

    /// Whether the command may be sent to its device at `now`.
    public func isDeliverable(at now: Date) -> Bool {
        CommandState.waiting.contains(state) && availableAt <= now && now < expiresAt
    }

    /// Whether the command has passed its expiry without ending.
    public func hasExpired(at now: Date) -> Bool { !state.hasEnded && expiresAt <= now }

    /// The command as the device receives it.
    public var pending: PendingCommand { PendingCommand(id: id.rawValue, type: kind.rawValue, parameters: parameters) }
}

/// The identifier of a ``DeviceCommand``.
public typealias CommandID = Identifier<DeviceCommand>

/// What made a command.
public enum CommandOrigin: String, Codable, CaseIterable, Sendable {
    /// An administrator, through the API.
    case administrator
    /// The device's own person (reporting it lost, say).
    case owner
    /// The access decision changed (block or restore PHI).
    case access
    /// A compliance escalation fell due.
    case escalation
    /// A device reported lost or stolen (lost mode, locate, the delayed wipe).
    case loss
    /// A device left on the counter, by the policy's response.
    case leftBehind = "left_behind"
}
