import Foundation
import Testing
import VigilCore

@testable import VigilStore

/// The partial indexes of schema 7 cover the conditions the command queries put, which are built
/// from the domain's lists: a kind that erases data, a state that waits.
@Suite struct CommandSchemaTests {
    @Test func theIndexesListTheWaitingStatesAndTheWipesTheQueriesAskFor() {
        let statements = SchemaV7.tablesAndIndexes.joined(separator: "\n")
        #expect(CommandSQL.wipeKinds == "('full_wipe', 'selective_wipe', 'retire')")
        #expect(statements.contains("WHERE kind IN \(CommandSQL.wipeKinds)"))
        #expect(statements.contains("WHERE state IN \(CommandSQL.waitingStates)"))
    }
}

/// Command notices fit PostgreSQL's payloads and read back.
@Suite struct CommandNoticeTests {
    @Test func manyDevicesTakeSeveralPayloadsAndABatchIsAStar() {
        let devices = (0..<1_000).map { _ in DeviceID.generate(at: Date()) }
        let payloads = CommandNotice.payloads(for: devices)
        #expect(payloads.count > 1 && payloads.allSatisfy { $0.utf8.count <= CommandNotice.maximumPayload })
        #expect(payloads.flatMap { CommandNotice.devices(in: $0) ?? [] } == devices)
        #expect(CommandNotice.payloads(for: nil) == ["*"] && CommandNotice.devices(in: "*") == nil)
        #expect(CommandNotice.payloads(for: []).isEmpty)
        #expect(CommandNotice.devices(in: "not an id") == [])
        let device = DeviceID.generate(at: Date())
        let access = AccessStatus(state: .denied, reasons: ["the device is reported lost"])
        #expect(CommandNotice.notice(in: CommandNotice.payload(access: access, of: device, origin: "r1")) == .access(device, access, origin: "r1"))
        #expect(CommandNotice.notice(in: "access {not json") == nil)
    }
}
