import Foundation
import Testing
import VigilCore

/// A command's life: delivery, answers, "not now", expiry, cancellation and the second approval.
@Suite struct CommandLifecycleTests {
    static let now = Date(millisecondsSince1970: 1_800_000_000_000)
    static let device = DeviceID.generate(at: now)
    static let admin = PersonID.generate(at: now)

    static func command(
        _ kind: CommandKind = .lock, priority: CommandPriority? = nil, at time: Date = now, expiresIn: Int? = nil,
        issuer: AuditActor = AuditActor(kind: .person, id: admin.rawValue)
    ) -> DeviceCommand {
        CommandDraft(kind: kind, priority: priority, expiresInSeconds: expiresIn, reason: "test")
            .command(for: device, origin: .administrator, issuer: issuer, at: time)
    }

    @Test func aNewCommandWaitsUntilItsKindsLifetimeEnds() {
        let command = Self.command(.playSound)
        #expect(command.state == .queued)
        #expect(command.priority == .normal)
        #expect(command.expiresAt == Self.now.addingTimeInterval(900))
        #expect(command.isDeliverable(at: Self.now))
        #expect(!command.isDeliverable(at: Self.now.addingTimeInterval(900)))
    }

    @Test func deliveryIsRepeatedWhenNoAnswerComes() throws {
        var command = Self.command()
        try command.deliver(at: Self.now)
        #expect(command.state == .delivered)
        #expect(command.attempts == 1)
        #expect(!command.isDeliverable(at: Self.now.addingTimeInterval(60)))
        #expect(command.isDeliverable(at: Self.now.addingTimeInterval(DeviceCommand.redeliveryDelay)))
        try command.deliver(at: Self.now.addingTimeInterval(DeviceCommand.redeliveryDelay))
        #expect(command.attempts == 2)
    }

    @Test func anAcknowledgementEndsTheCommandAndKeepsABoundedResult() throws {
        var command = Self.command()
        try command.deliver(at: Self.now)
        try command.record(
            CommandOutcome(commandID: command.id.rawValue, status: .acknowledged, detail: String(repeating: "x", count: 900)),
            at: Self.now.addingTimeInterval(1))
        #expect(command.state == .acknowledged)
        #expect(command.endedAt == Self.now.addingTimeInterval(1))
        #expect(command.result?.count == DeviceCommand.maximumResultLength)
        #expect(throws: CommandTransitionError.ended(.acknowledged)) {
            var copy = command
            try copy.record(CommandOutcome(commandID: command.id.rawValue, status: .failed), at: Self.now)
        }
    }

    @Test func aFailureKeepsTheDevicesError() throws {
        var command = Self.command(.installApp)
        try command.deliver(at: Self.now)
        try command.record(
            CommandOutcome(commandID: command.id.rawValue, status: .failed, detail: "not enough storage"), at: Self.now)
        #expect(command.state == .failed)
        #expect(command.result == "not enough storage")
        #expect(!command.isDeliverable(at: Self.now.addingTimeInterval(86_400)))
    }

    @Test func notNowPutsTheCommandOffWithinBounds() throws {
        var command = Self.command()
        try command.deliver(at: Self.now)
        try command.record(
            CommandOutcome(commandID: command.id.rawValue, status: .notNow, detail: "on a call", retryAfterSeconds: 1),
            at: Self.now)
        #expect(command.state == .notNow)
        #expect(command.availableAt == Self.now.addingTimeInterval(DeviceCommand.minimumDelay))
        #expect(command.isDeliverable(at: Self.now.addingTimeInterval(DeviceCommand.minimumDelay)))
        try command.deliver(at: Self.now.addingTimeInterval(30))
        try command.record(
            CommandOutcome(commandID: command.id.rawValue, status: .notNow, retryAfterSeconds: 10_000_000), at: Self.now)
        #expect(command.availableAt == Self.now.addingTimeInterval(DeviceCommand.maximumDelay))
    }

    @Test func aCommandExpiresOnlyOnceItsTimeHasPassedAndItHasNotEnded() throws {
        var command = Self.command(expiresIn: 60)
        let early = command.expire(at: Self.now.addingTimeInterval(59))
        #expect(!early)
        let due = command.expire(at: Self.now.addingTimeInterval(60))
        #expect(due)
        #expect(command.state == .expired)
        #expect(throws: CommandTransitionError.ended(.expired)) { var copy = command; try copy.deliver(at: Self.now) }
        #expect(throws: CommandTransitionError.ended(.expired)) {
            var copy = command
            try copy.record(CommandOutcome(commandID: command.id.rawValue, status: .acknowledged), at: Self.now)
        }
    }

    @Test func aLateAnswerToADeliveredCommandThatExpiredIsStillRecorded() throws {
        var command = Self.command(.fullWipe, expiresIn: 60)
        try command.deliver(at: Self.now)
        command.expire(at: Self.now.addingTimeInterval(61))
        var postponed = command
        #expect(throws: CommandTransitionError.ended(.expired), "a late 'not now' would revive it") {
            try postponed.record(CommandOutcome(commandID: command.id.rawValue, status: .notNow), at: Self.now.addingTimeInterval(62))
        }
        try command.record(CommandOutcome(commandID: command.id.rawValue, status: .acknowledged), at: Self.now.addingTimeInterval(62))
        #expect(command.state == .acknowledged)
    }

    @Test func cancellationEndsAWaitingCommandButNotAnEndedOne() throws {
        var waiting = Self.command()
        try waiting.deliver(at: Self.now)
        try waiting.cancel(by: Self.admin, at: Self.now)
        #expect(waiting.state == .cancelled)
        #expect(waiting.cancelledBy == Self.admin)
        #expect(!waiting.isDeliverable(at: Self.now.addingTimeInterval(1_000)))
        #expect(throws: CommandTransitionError.ended(.cancelled)) { var copy = waiting; try copy.cancel(by: nil, at: Self.now) }
    }

    @Test func aHeldWipeNeedsASecondAdministrator() throws {
        let rail = WipeGuardRail(limit: 1)
        let held = rail.apply(to: [Self.command(.fullWipe)], recentWipes: 1)
        var command = try #require(held.first)
        #expect(command.state == .held)
        #expect(!command.isDeliverable(at: Self.now))
        #expect(throws: CommandTransitionError.awaitingApproval) { var copy = command; try copy.deliver(at: Self.now) }
        #expect(throws: CommandTransitionError.approverIsIssuer) { var copy = command; try copy.approve(by: Self.admin, at: Self.now) }
        let second = PersonID.generate(at: Self.now)
        try command.approve(by: second, at: Self.now.addingTimeInterval(5))
        #expect(command.state == .queued)
        #expect(command.approvedBy == second)
        #expect(command.isDeliverable(at: Self.now.addingTimeInterval(5)))
        #expect(throws: CommandTransitionError.notHeld) { var copy = command; try copy.approve(by: second, at: Self.now) }
    }
}
