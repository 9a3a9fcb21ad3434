import Foundation
import Testing
import VigilCore

/// The queue's order, which never jams behind a failed or postponed command, the wipe guard-rail,
/// the parameters each command takes, and what a device's ownership allows.
@Suite struct CommandQueueTests {
    typealias Fixture = CommandLifecycleTests
    static let now = Fixture.now

    @Test func higherPriorityGoesFirstThenOlder() {
        let old = Fixture.command(.applyPolicy, at: Self.now)
        let lock = Fixture.command(.lock, at: Self.now.addingTimeInterval(2))
        let sound = Fixture.command(.playSound, at: Self.now.addingTimeInterval(1))
        let order = CommandQueue.deliverable([old, lock, sound], at: Self.now.addingTimeInterval(3)).map(\.kind)
        #expect(order == [.lock, .playSound, .applyPolicy])
    }

    @Test func aPostponedOrFailedCommandNeverBlocksTheOnesBehindIt() throws {
        var first = Fixture.command(.lock, at: Self.now)
        var second = Fixture.command(.lock, at: Self.now.addingTimeInterval(1))
        let third = Fixture.command(.lock, at: Self.now.addingTimeInterval(2))
        try first.deliver(at: Self.now)
        try first.record(CommandOutcome(commandID: first.id.rawValue, status: .notNow, retryAfterSeconds: 600), at: Self.now)
        try second.deliver(at: Self.now)
        try second.record(CommandOutcome(commandID: second.id.rawValue, status: .failed, detail: "no"), at: Self.now)
        let next = CommandQueue.deliverable([first, second, third], at: Self.now.addingTimeInterval(5))
        #expect(next.map(\.id) == [third.id])
        let later = CommandQueue.deliverable([first, second, third], at: Self.now.addingTimeInterval(600))
        #expect(later.map(\.id) == [first.id, third.id])
    }

    @Test func aDeliveryIsBounded() {
        let many = (0..<40).map { Fixture.command(.lock, at: Self.now.addingTimeInterval(Double($0))) }
        let taken = CommandQueue.deliverable(many, at: Self.now.addingTimeInterval(100))
        #expect(taken.count == CommandQueue.maximumPerDelivery)
        #expect(taken.first?.id == many.first?.id)
    }

    @Test func theGuardRailHoldsOnlyTheWipesBeyondItsLimit() {
        let rail = WipeGuardRail()
        let commands = [Fixture.command(.lock)] + (0..<4).map { _ in Fixture.command(.selectiveWipe) }
            + [Fixture.command(.fullWipe)]
        let applied = rail.apply(to: commands, recentWipes: 7)
        #expect(applied.map(\.state) == [.queued, .queued, .queued, .queued, .held, .held])
        #expect(rail.apply(to: commands, recentWipes: 0).allSatisfy { $0.state == .queued })
    }

    @Test func parametersAreCheckedByKind() throws {
        #expect(try CommandParameters.validated(["message": "  Call IT  "], for: .lock) == ["message": "Call IT"])
        #expect(throws: ValidationError(field: "parameters.message", message: "is required for lost_mode_on")) {
            try CommandParameters.validated([:], for: .lostModeOn)
        }
        #expect(throws: ValidationError.self) { try CommandParameters.validated(["message": "x", "phone": "call me"], for: .lostModeOn) }
        #expect(
            try CommandParameters.validated(["message": "Lost", "phone": "+1 (555) 0100"], for: .lostModeOn)["phone"]
                == "+1 (555) 0100")
        #expect(throws: ValidationError.self) { try CommandParameters.validated(["mesage": "typo"], for: .lock) }
        #expect(throws: ValidationError.self) { try CommandParameters.validated(["message": "x"], for: .fullWipe) }
        #expect(try CommandParameters.validated(["app": "org.mercy.ehr"], for: .installApp) == ["app": "org.mercy.ehr"])
        #expect(throws: ValidationError.self) { try CommandParameters.validated(["app": "../etc"], for: .removeApp) }
    }

    @Test func aDraftIsCheckedWhole() throws {
        #expect(throws: ValidationError.self) { try CommandDraft(kind: .lock, reason: " ").validated() }
        #expect(throws: ValidationError.self) { try CommandDraft(kind: .lock, expiresInSeconds: 5, reason: "r").validated() }
        #expect(throws: ValidationError.self) {
            try CommandDraft(kind: .lock, reason: "r", idempotencyKey: "has space").validated()
        }
        let draft = try CommandDraft(kind: .lock, reason: " lost on ward 3 ", idempotencyKey: "k-1").validated()
        #expect(draft.reason == "lost on ward 3")
        let command = draft.command(
            for: Fixture.device, origin: .administrator, issuer: AuditActor(kind: .system, id: "test"), at: Self.now)
        #expect(draft.matches(command))
        #expect(!CommandDraft(kind: .lock, parameters: ["message": "other"], reason: "r").matches(command))
    }

    @Test func aPersonalDeviceIsNeverWipedWhole() {
        let matrix = CollectionMatrix.defaults
        for ownership in Ownership.allCases {
            let refusal = CommandAuthorization.refusal(of: .fullWipe, on: ownership, collection: matrix)
            #expect((refusal == nil) == ownership.isHospitalOwned)
            #expect(CommandAuthorization.refusal(of: .selectiveWipe, on: ownership, collection: matrix) == nil)
            #expect(CommandAuthorization.refusal(of: .lock, on: ownership, collection: matrix) == nil)
        }
        let reason = CommandAuthorization.refusal(of: .fullWipe, on: .byod, collection: matrix)
        #expect(reason?.contains("selective_wipe") == true)
    }

    @Test func aDeviceWhoseLocationIsNeverCollectedCannotBeLocated() {
        let closed = CollectionMatrix([.corporate: [.preciseLocation: .never]])
        #expect(CommandAuthorization.refusal(of: .locate, on: .corporate, collection: closed) != nil)
        #expect(CommandAuthorization.refusal(of: .playSound, on: .corporate, collection: closed) == nil)
    }

    @Test func aBatchCountsWhatHasEnded() {
        let batch = CommandBatch(
            id: .generate(at: Self.now), kind: .lock, issuedBy: AuditActor(kind: .system, id: "test"), reason: "drill",
            createdAt: Self.now, deviceCount: 10, refusedCount: 1,
            states: [.queued: 4, .acknowledged: 3, .failed: 1, .notNow: 1])
        #expect(batch.issuedCount == 9)
        #expect(batch.endedCount == 4)
    }

    @Test func answersTravelUnderTheirWireNames() throws {
        let message = AgentPushMessage(results: [
            CommandOutcome(commandID: "cmd_1", status: .notNow, detail: "on a call", retryAfterSeconds: 60)
        ])
        let json = try #require(String(data: try JSONEncoder().encode(message), encoding: .utf8))
        #expect(json.contains(#""status":"not_now""#))
        #expect(try JSONDecoder().decode(AgentPushMessage.self, from: Data(json.utf8)) == message)
        #expect(Fixture.command(.lostModeOn).pending.type == "lost_mode_on")
    }
}
