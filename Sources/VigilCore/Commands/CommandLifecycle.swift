import Foundation

/// Why a command may not move to the state asked for.
public enum CommandTransitionError: Error, Sendable, Equatable {
    /// The command has ended (acknowledged, failed, expired or cancelled) already.
    case ended(CommandState)
    /// Only a held command can be approved.
    case notHeld
    /// The second administrator must be another person than the one who issued the command.
    case approverIsIssuer
    /// A held command is not sent before its approval.
    case awaitingApproval
}

extension DeviceCommand {
    /// How long a delivered command waits for its answer before it is sent again: 2 minutes.
    public static let redeliveryDelay: TimeInterval = 120
    /// The longest a device may put a command off: one day.
    public static let maximumDelay: TimeInterval = 86_400
    /// The shortest it may: 30 seconds, so that "not now" can never turn into a busy loop.
    public static let minimumDelay: TimeInterval = 30
    /// The longest answer kept from a device.
    public static let maximumResultLength = 500

    /// Marks the command sent to its device at `now`; it is sent again after `redeliveryDelay`
    /// unless the device answers first.
    public mutating func deliver(at now: Date, redeliveryDelay: TimeInterval = Self.redeliveryDelay) throws(CommandTransitionError) {
        guard !state.hasEnded else { throw .ended(state) }
        guard state != .held else { throw .awaitingApproval }
        state = .delivered
        attempts += 1
        deliveredAt = now
        availableAt = now.addingTimeInterval(redeliveryDelay)
    }

    /// Records the device's answer.
    ///
    /// An answer to a command that expired after it was sent is still recorded: the device did
    /// act, and the hospital must know it (a wipe that ran late). An answer to a cancelled or
    /// already answered command is refused.
    public mutating func record(_ outcome: CommandOutcome, at now: Date) throws(CommandTransitionError) {
        // A late answer says what happened; a late "not now" would revive an expired command.
        let lateAnswer = state == .expired && deliveredAt != nil && outcome.status != .notNow
        guard !state.hasEnded || lateAnswer else { throw .ended(state) }
        guard state != .held else { throw .awaitingApproval }
        result = outcome.detail.map { String($0.prefix(Self.maximumResultLength)) }
        switch outcome.status {
        case .acknowledged, .failed:
            state = outcome.status == .acknowledged ? .acknowledged : .failed
            endedAt = now
        case .notNow:
            let delay = min(max(outcome.retryAfterSeconds.map(Double.init) ?? 300, Self.minimumDelay), Self.maximumDelay)
            state = .notNow
            availableAt = now.addingTimeInterval(delay)
        }
    }

    /// Cancels the command unless it has ended.
    /// - Parameter person: Who cancelled it; `nil` for Vigil itself (a device found).
    public mutating func cancel(by person: PersonID?, at now: Date) throws(CommandTransitionError) {
        guard !state.hasEnded else { throw .ended(state) }
        state = .cancelled
        cancelledBy = person
        endedAt = now
    }

    /// Releases a held command: a second administrator approves it.
    public mutating func approve(by person: PersonID, at now: Date) throws(CommandTransitionError) {
        guard state == .held else { throw state.hasEnded ? .ended(state) : .notHeld }
        guard !(issuedBy.kind == .person && issuedBy.id == person.rawValue) else { throw .approverIsIssuer }
        state = .queued
        approvedBy = person
        availableAt = max(availableAt, now)
    }

    /// Marks the command expired if its expiry has passed and it has not ended.
    /// - Returns: Whether it expired now.
    @discardableResult
    public mutating func expire(at now: Date) -> Bool {
        guard hasExpired(at: now) else { return false }
        state = .expired
        endedAt = now
        return true
    }
}
