import Foundation
import Testing
import VigilCore

/// What reporting a device lost, stolen and found issues, and that reporting twice issues once.
@Suite struct LossPlanTests {
    static let now = CommandLifecycleTests.now
    static let nurse = AuditActor(kind: .person, id: PersonID.generate(at: now).rawValue)

    func steps(_ status: LossReport.Status, ownership: Ownership, previous: DeviceLoss? = nil, at time: Date = now)
        throws -> (DeviceLoss?, [LossPlan.Step])
    {
        let report = LossReport(status: status, phone: "+1 555 0100", reason: "left in a taxi")
        let loss = LossPlan.loss(after: report, previous: previous, by: Self.nurse, wipeDelay: 3_600, at: time)
        let steps = try LossPlan.steps(
            for: report, loss: status == .found ? previous : loss, ownership: ownership,
            collection: .defaults, at: time)
        return (loss, steps)
    }

    @Test func lostTurnsOnLostModeAndLocatesAHospitalDevice() throws {
        let (loss, steps) = try steps(.lost, ownership: .corporate)
        #expect(loss?.kind == .lost)
        #expect(steps.map(\.draft.kind) == [.lostModeOn, .locate])
        #expect(steps.first?.draft.parameters["message"] == LossReport.defaultMessage)
        #expect(steps.first?.draft.parameters["phone"] == "+1 555 0100")
        #expect(steps.allSatisfy { $0.availableAt == Self.now })
    }

    @Test func aPersonalDeviceIsNotLocatedAndItsTheftWipesSelectively() throws {
        let (loss, steps) = try steps(.stolen, ownership: .byod)
        #expect(loss?.wipeAt == Self.now.addingTimeInterval(3_600))
        #expect(steps.map(\.draft.kind) == [.lostModeOn, .selectiveWipe])
        #expect(steps.last?.availableAt == Self.now.addingTimeInterval(3_600))
    }

    @Test func aTheftAfterALossKeepsTheFirstReportsKeysAndAddsTheWipe() throws {
        let (lost, first) = try steps(.lost, ownership: .shared)
        let (stolen, second) = try steps(.stolen, ownership: .shared, previous: lost, at: Self.now.addingTimeInterval(600))
        #expect(stolen?.reportedAt == Self.now)
        #expect(stolen?.wipeAt == Self.now.addingTimeInterval(4_200))
        #expect(second.map(\.draft.kind) == [.lostModeOn, .locate, .fullWipe])
        #expect(Array(second.prefix(2)).map(\.draft.idempotencyKey) == first.map(\.draft.idempotencyKey))
    }

    @Test func aReportRepeatedWithAnotherNumberShowsItUnderAKeyOfItsOwn() throws {
        let (lost, first) = try steps(.lost, ownership: .corporate)
        let report = LossReport(status: .lost, phone: "+1 555 0199", reason: "call the desk instead")
        let again = try LossPlan.steps(for: report, loss: lost, ownership: .corporate, collection: .defaults, at: Self.now)
        #expect(again.map(\.draft.kind) == [.lostModeOn, .locate])
        #expect(again[0].draft.idempotencyKey != first[0].draft.idempotencyKey)
        #expect(again[1].draft.idempotencyKey == first[1].draft.idempotencyKey, "the same locate, once")
    }

    @Test func aTheftReportedAgainAfterADowngradeSchedulesANewWipe() throws {
        let (stolen, first) = try steps(.stolen, ownership: .corporate)
        let (lost, _) = try steps(.lost, ownership: .corporate, previous: stolen, at: Self.now.addingTimeInterval(60))
        #expect(lost?.wipeAt == nil)
        let (again, second) = try steps(.stolen, ownership: .corporate, previous: lost, at: Self.now.addingTimeInterval(120))
        #expect(again?.wipeAt == Self.now.addingTimeInterval(120 + 3_600))
        #expect(first.last?.draft.kind == .fullWipe && second.last?.draft.kind == .fullWipe)
        #expect(first.last?.draft.idempotencyKey != second.last?.draft.idempotencyKey)
        #expect(first[0].draft.idempotencyKey == second[0].draft.idempotencyKey, "the same lost mode")
    }

    @Test func foundTurnsLostModeOffOnlyForALostDevice() throws {
        let (lost, _) = try steps(.lost, ownership: .corporate)
        let (after, found) = try steps(.found, ownership: .corporate, previous: lost)
        #expect(after == nil)
        #expect(found.map(\.draft.kind) == [.lostModeOff])
        #expect(try steps(.found, ownership: .corporate).1.isEmpty)
    }

    @Test func aBadNumberIsRefusedNamingTheField() {
        let report = LossReport(status: .lost, phone: "call the desk", reason: "r")
        let loss = LossPlan.loss(after: report, previous: nil, by: Self.nurse, wipeDelay: 60, at: Self.now)
        #expect(throws: ValidationError(field: "phone", message: "is not a telephone number, such as +1 555 0100")) {
            try LossPlan.steps(for: report, loss: loss, ownership: .corporate, collection: .defaults, at: Self.now)
        }
    }
}
