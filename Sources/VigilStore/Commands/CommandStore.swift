import Foundation
import VigilCore

/// Devices' command queues (`docs/commands.md`): queueing with idempotency keys and the wipe
/// guard-rail, delivery in queue order, the devices' outcomes, cancellation, approval and expiry.
public protocol CommandStore: Sendable {
    /// Queues commands for their devices in one transaction. A command whose device already has a
    /// command with its idempotency key is not queued: that command is returned instead. Wipes
    /// beyond `guardRail` in its window (counted with those queued in the last hour) are held.
    /// - Parameters:
    ///   - audit: The events to record, given what was queued (not called when nothing was).
    /// - Returns: Each command as stored, in order, and whether it was queued now.
    /// - Throws: ``StoreError/unknownReference(field:id:)`` when a device does not exist.
    func enqueueCommands(
        _ commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date,
        audit: @escaping @Sendable ([EnqueuedCommand]) -> [AuditEventDraft]
    ) async throws -> [EnqueuedCommand]

    /// Records a batch and queues its commands in one transaction, like
    /// ``enqueueCommands(_:guardRail:at:audit:)``. A batch whose idempotency key is taken is not
    /// recorded: the batch holding it is returned instead, with `created` false.
    func enqueueBatch(
        _ batch: CommandBatch, commands: [DeviceCommand], guardRail: WipeGuardRail, at now: Date, audit: AuditEventDraft
    ) async throws -> (batch: CommandBatch, created: Bool)

    /// The devices `filter` selects, with only what deciding a batch's command needs: their
    /// identifiers and ownership, in enrollment order (lighter than reading whole devices).
    func commandTargets(_ filter: DeviceFilter) async throws -> [CommandTarget]

    /// The command with this identifier.
    func command(id: CommandID) async throws -> DeviceCommand?

    /// The command of a device that holds an idempotency key.
    func command(deviceID: DeviceID, idempotencyKey: String) async throws -> DeviceCommand?

    /// Commands matching `filter`, newest first.
    func commands(_ filter: CommandFilter, _ page: PageRequest) async throws -> Page<DeviceCommand>

    /// The batch with this identifier, with its commands counted by state.
    func commandBatch(id: CommandBatchID) async throws -> CommandBatch?

    /// Hands out what each device may be given now, in queue order (``CommandQueue/precedes(_:_:)``),
    /// at most `limit` each, and marks them delivered (``DeviceCommand/deliver(at:redeliveryDelay:)``).
    /// - Returns: The commands delivered, by device; devices with none are absent.
    func deliverCommands(to devices: [DeviceID], at now: Date, limit: Int) async throws -> [DeviceID: [DeviceCommand]]

    /// Records devices' outcomes in one transaction (``DeviceCommand/record(_:at:)``), each only for a
    /// command of the device that reports it.
    /// - Parameter audit: The event to record for an outcome, if any (given the command as it is now).
    /// - Returns: For each outcome in order, the command as it is now, or why the outcome was refused.
    func recordCommandOutcomes(
        _ outcomes: [(deviceID: DeviceID, outcome: CommandOutcome)], at now: Date,
        audit: @escaping @Sendable (DeviceCommand) -> AuditEventDraft?
    ) async throws -> [Result<DeviceCommand, CommandOutcomeRefusal>]

    /// Changes a command (cancels or approves it) in one transaction, with the event recording it.
    /// - Throws: ``StoreError/notFound(_:)``, or what `change` throws.
    func updateCommand(
        id: CommandID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout DeviceCommand) throws -> Void
    ) async throws -> DeviceCommand

    /// Expires up to `limit` commands whose expiry has passed, oldest expiry first.
    /// - Parameter audit: The event to record for each.
    /// - Returns: The commands expired.
    func expireCommands(
        at now: Date, limit: Int, audit: @escaping @Sendable (DeviceCommand) -> AuditEventDraft
    ) async throws -> [DeviceCommand]

    /// Hands `receive` the notices of any process sharing the database (commands queued, access
    /// changed), until the task is cancelled (`docs/commands.md`, "Several replicas on one
    /// PostgreSQL"). A store only one process uses (SQLite) has no notices: it returns at once.
    /// - Throws: When the listening connection fails; listen again.
    func listenForReplicaNotices(_ receive: @escaping @Sendable (ReplicaNotice) async -> Void) async throws

    /// Tells the other processes sharing the database that a device's access changed, as the
    /// replica `origin` evaluated it; nothing for a store only one process uses.
    func announceAccess(_ access: AccessStatus, of deviceID: DeviceID, origin: String) async throws

    /// The devices with a waiting command that became available after `after` and by `through`
    /// (a put-off command whose delay ran out, a scheduled wipe, a redelivery), for the push channel.
    func devicesWithCommandsAvailable(after: Date, through: Date, limit: Int) async throws -> [DeviceID]
}

/// A command as ``CommandStore/enqueueCommands(_:guardRail:at:audit:)`` left it.
public struct EnqueuedCommand: Sendable, Equatable {
    /// The command as stored.
    public var command: DeviceCommand
    /// Whether it was queued now (`false`: an earlier command with its idempotency key).
    public var created: Bool

    /// Describes a queued command.
    public init(command: DeviceCommand, created: Bool) {
        self.command = command
        self.created = created
    }
}

/// A device a batch may reach.
public struct CommandTarget: Sendable, Equatable {
    public var deviceID: DeviceID
    public var ownership: Ownership

    /// Describes a target.
    public init(deviceID: DeviceID, ownership: Ownership) {
        self.deviceID = deviceID
        self.ownership = ownership
    }
}

/// Why a device's outcome was not recorded.
public enum CommandOutcomeRefusal: Error, Sendable, Equatable {
    /// The device has no such command.
    case unknownCommand
    /// The command does not take it (it ended, or waits for approval).
    case transition(CommandTransitionError)

    /// Says it for the device.
    public var message: String {
        switch self {
        case .unknownCommand: "no such command for this device"
        case .transition(.ended(let state)): "the command is \(state.rawValue) already"
        case .transition(.awaitingApproval): "the command awaits approval"
        case .transition(let error): "refused: \(error)"
        }
    }
}

/// Which commands to list.
public struct CommandFilter: Sendable, Equatable {
    /// Only this device's.
    public var deviceID: DeviceID?
    /// Only those in this state.
    public var state: CommandState?
    /// Only this batch's.
    public var batchID: CommandBatchID?

    /// Describes a selection; every criterion is optional.
    public init(deviceID: DeviceID? = nil, state: CommandState? = nil, batchID: CommandBatchID? = nil) {
        self.deviceID = deviceID
        self.state = state
        self.batchID = batchID
    }
}
