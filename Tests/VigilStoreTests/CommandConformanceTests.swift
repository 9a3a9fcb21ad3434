import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Command queues, batches and loss reports behave the same on every backend.
@Suite struct CommandConformanceTests {
    static let issuer = AuditActor(kind: .person, id: "per_issuer")

    static func command(
        _ kind: CommandKind, for device: DeviceID, parameters: [String: String] = [:], key: String? = nil,
        lifetime: Int? = nil, at time: Date, availableAt: Date? = nil, batch: CommandBatchID? = nil
    ) -> DeviceCommand {
        CommandDraft(kind: kind, parameters: parameters, expiresInSeconds: lifetime, reason: "test", idempotencyKey: key)
            .command(for: device, origin: .administrator, issuer: issuer, at: time, availableAt: availableAt, batchID: batch)
    }

    static func enqueue(_ commands: [DeviceCommand], limit: Int = 10, in store: any VigilStore, at time: Date) async throws
        -> [EnqueuedCommand]
    {
        try await store.enqueueCommands(commands, guardRail: WipeGuardRail(limit: limit), at: time) { results in
            results.filter(\.created).map { Fixtures.audit("command.issue", target: .device($0.command.deviceID), at: time) }
        }
    }

    /// Three devices of one clinician.
    static func threeDevices(in store: any VigilStore) async throws -> [DeviceID] {
        let person = Fixtures.person(.clinician)
        var devices: [DeviceID] = []
        for serial in 1...3 {
            devices.append(try await Fixtures.enrollDevice(for: person, hardwareID: "SN-\(serial)", in: store).device.id)
        }
        return devices
    }

    @Test(arguments: StoreBackend.available)
    func deliveryFollowsPriorityAndAFailureOrAPutOffNeverBlocksTheQueue(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            let policy = Self.command(.applyPolicy, for: device.id, at: time.addingTimeInterval(-3))
            let locate = Self.command(.locate, for: device.id, at: time.addingTimeInterval(-2))
            let lock = Self.command(.lock, for: device.id, parameters: ["message": "Call IT"], at: time.addingTimeInterval(-1))
            let queued = try await Self.enqueue([policy, locate, lock], in: store, at: time)
            #expect(queued.map(\.created) == [true, true, true])
            #expect(try await store.command(id: lock.id) == lock)

            let first = try await store.deliverCommands(to: [device.id], at: time, limit: 16)[device.id] ?? []
            #expect(first.map(\.id) == [lock.id, locate.id, policy.id])
            #expect(first.allSatisfy { $0.state == .delivered && $0.attempts == 1 })
            #expect(try await store.command(id: lock.id)?.state == .delivered)
            // Handed out once: not again until the redelivery delay has passed.
            #expect(try await store.deliverCommands(to: [device.id], at: time, limit: 16).isEmpty)

            let results = try await store.recordCommandOutcomes(
                [
                    (device.id, CommandOutcome(commandID: lock.id.rawValue, status: .failed, detail: "no passcode")),
                    (device.id, CommandOutcome(commandID: locate.id.rawValue, status: .notNow, retryAfterSeconds: 60)),
                    (device.id, CommandOutcome(commandID: policy.id.rawValue, status: .acknowledged)),
                ], at: time
            ) { Fixtures.audit(AuditAction(rawValue: "command.\($0.state.rawValue)"), target: .device($0.deviceID), at: time) }
            #expect(try results.map { try $0.get().state } == [.failed, .notNow, .acknowledged])
            #expect(try await store.command(id: lock.id)?.result == "no passcode")

            // The put-off command waits its delay; the failed one is over and blocks nothing.
            #expect(try await store.deliverCommands(to: [device.id], at: time.addingTimeInterval(59), limit: 16).isEmpty)
            let later = try await store.deliverCommands(to: [device.id], at: time.addingTimeInterval(61), limit: 16)
            #expect(later[device.id]?.map(\.id) == [locate.id])
            #expect(later[device.id]?.first?.attempts == 2)
            #expect(
                try await store.devicesWithCommandsAvailable(
                    after: time.addingTimeInterval(61), through: time.addingTimeInterval(61 + 121), limit: 10) == [device.id])

            // A delivery is capped per device, in queue order.
            let many = (0..<5).map { Self.command(.playSound, for: device.id, at: time.addingTimeInterval(1 + Double($0))) }
            _ = try await Self.enqueue(many, in: store, at: time)
            let capped = try await store.deliverCommands(to: [device.id], at: time.addingTimeInterval(10), limit: 3)
            #expect(capped[device.id]?.map(\.id) == many.prefix(3).map(\.id))
        }
    }

    @Test(arguments: StoreBackend.available)
    func anOutcomeCountsOnlyForTheDevicesOwnCommandAndOnlyOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let person = Fixtures.person(.clinician)
            let (device, _) = try await Fixtures.enrollDevice(for: person, in: store)
            let (other, _) = try await Fixtures.enrollDevice(for: person, hardwareID: "SN-2", in: store)
            let lock = Self.command(.lock, for: device.id, at: time)
            _ = try await Self.enqueue([lock], in: store, at: time)
            let results = try await store.recordCommandOutcomes(
                [
                    (other.id, CommandOutcome(commandID: lock.id.rawValue, status: .acknowledged)),
                    (device.id, CommandOutcome(commandID: "cmd_nothing", status: .acknowledged)),
                    (device.id, CommandOutcome(commandID: lock.id.rawValue, status: .acknowledged)),
                    (device.id, CommandOutcome(commandID: lock.id.rawValue, status: .failed)),
                ], at: time, audit: { _ in nil })
            #expect(results.count == 4)
            #expect(results[0] == .failure(.unknownCommand))
            #expect(results[1] == .failure(.unknownCommand))
            #expect((try? results[2].get().state) == .acknowledged)
            #expect(results[3] == .failure(.transition(.ended(.acknowledged))))
            #expect(try await store.command(id: lock.id)?.state == .acknowledged)
        }
    }

    @Test(arguments: StoreBackend.available)
    func anIdempotencyKeyQueuesOneCommandPerDevice(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let person = Fixtures.person(.clinician)
            let (device, _) = try await Fixtures.enrollDevice(for: person, in: store)
            let (other, _) = try await Fixtures.enrollDevice(for: person, hardwareID: "SN-2", in: store)
            let first = Self.command(.locate, for: device.id, key: "k-1", at: time)
            #expect(try await Self.enqueue([first], in: store, at: time).map(\.created) == [true])
            let retry = Self.command(.locate, for: device.id, key: "k-1", at: time.addingTimeInterval(5))
            let again = try await Self.enqueue([retry], in: store, at: time.addingTimeInterval(5))
            #expect(again == [EnqueuedCommand(command: first, created: false)])
            #expect(try await store.command(deviceID: device.id, idempotencyKey: "k-1") == first)
            #expect(try await store.command(deviceID: device.id, idempotencyKey: "k-2") == nil)
            // The same key on another device is another command; twice in one request, one command.
            let elsewhere = Self.command(.locate, for: other.id, key: "k-1", at: time)
            let twice = Self.command(.locate, for: other.id, key: "k-1", at: time.addingTimeInterval(1))
            let both = try await Self.enqueue([elsewhere, twice], in: store, at: time)
            #expect(both.map(\.created) == [true, false])
            #expect(both.map(\.command.id) == [elsewhere.id, elsewhere.id])
            #expect(try await store.commands(CommandFilter(deviceID: other.id), .first).items.map(\.id) == [elsewhere.id])
            await #expect(throws: StoreError.unknownReference(field: "deviceID", id: "dev_nowhere")) {
                try await Self.enqueue([Self.command(.lock, for: DeviceID(rawValue: "dev_nowhere"), at: time)], in: store, at: time)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func wipesBeyondTheGuardRailAreHeldUntilASecondAdministratorApproves(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let devices = try await Self.threeDevices(in: store)
            let first = try await Self.enqueue([Self.command(.fullWipe, for: devices[0], at: time)], limit: 2, in: store, at: time)
            #expect(first.map(\.command.state) == [.queued])
            let more = try await Self.enqueue(
                [Self.command(.selectiveWipe, for: devices[1], at: time), Self.command(.fullWipe, for: devices[2], at: time),
                 Self.command(.lock, for: devices[2], at: time)], limit: 2, in: store, at: time)
            #expect(more.map(\.command.state) == [.queued, .held, .queued])
            let held = more[1].command
            let delivered = try await store.deliverCommands(to: [devices[2]], at: time, limit: 16)
            #expect(delivered[devices[2]]?.map(\.kind) == [.lock])

            let approver = PersonID(rawValue: "per_second")
            let approved = try await store.updateCommand(id: held.id, audit: Fixtures.audit("command.approve")) {
                try $0.approve(by: approver, at: time)
            }
            #expect(approved.state == .queued && approved.approvedBy == approver)
            #expect(try await store.deliverCommands(to: [devices[2]], at: time, limit: 16)[devices[2]]?.map(\.id) == [held.id])
            await #expect(throws: CommandTransitionError.self) {
                try await store.updateCommand(id: held.id, audit: Fixtures.audit()) { try $0.approve(by: approver, at: time) }
            }
            // A wipe cancelled before delivery does not count: the next one goes out.
            let cancelled = try await store.updateCommand(id: first[0].command.id, audit: Fixtures.audit("command.cancel")) {
                try $0.cancel(by: approver, at: time)
            }
            #expect(cancelled.state == .cancelled && cancelled.endedAt == time)
            let next = try await Self.enqueue([Self.command(.fullWipe, for: devices[0], at: time)], limit: 2, in: store, at: time)
            #expect(next.map(\.command.state) == [.held])
            // A retirement erases the managed data: it counts, and waits, as a wipe.
            let retire = try await Self.enqueue([Self.command(.retire, for: devices[1], at: time)], limit: 2, in: store, at: time)
            #expect(retire.map(\.command.state) == [.held])
        }
    }

    @Test(arguments: StoreBackend.available)
    func commandsExpireAndALateAnswerToADeliveredOneIsStillRecorded(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            let sound = Self.command(.playSound, for: device.id, lifetime: 60, at: time)
            let locate = Self.command(.locate, for: device.id, lifetime: 60, at: time)
            let lock = Self.command(.lock, for: device.id, at: time)
            _ = try await Self.enqueue([sound, locate, lock], in: store, at: time)
            _ = try await store.deliverCommands(to: [device.id], at: time, limit: 16)
            let expired = try await store.expireCommands(at: time.addingTimeInterval(60), limit: 10) {
                Fixtures.audit("command.expire", target: .device($0.deviceID))
            }
            #expect(Set(expired.map(\.id)) == [sound.id, locate.id])
            #expect(expired.allSatisfy { $0.state == .expired && $0.endedAt == time.addingTimeInterval(60) })
            #expect(try await store.expireCommands(at: time.addingTimeInterval(61), limit: 10) { _ in Fixtures.audit() }.isEmpty)
            // Nothing expired is offered again; the lock, unanswered, is after the redelivery delay.
            let redelivered = try await store.deliverCommands(to: [device.id], at: time.addingTimeInterval(200), limit: 16)
            #expect(redelivered[device.id]?.map(\.id) == [lock.id])
            // The device did locate before the expiry: its late answer is recorded.
            let late = try await store.recordCommandOutcomes(
                [(device.id, CommandOutcome(commandID: locate.id.rawValue, status: .acknowledged, detail: "located"))],
                at: time.addingTimeInterval(201), audit: { _ in nil })
            #expect((try? late[0].get().state) == .acknowledged)
            #expect(try await store.command(id: locate.id)?.result == "located")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aBatchCountsItsCommandsByStateAndItsKeyIsTakenOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let devices = try await Self.threeDevices(in: store)
            let batch = CommandBatch(
                id: .generate(at: time), kind: .lock, issuedBy: Self.issuer, reason: "drill", createdAt: time, deviceCount: 4,
                refusedCount: 1, idempotencyKey: "drill-1")
            let commands = devices.map { Self.command(.lock, for: $0, at: time, batch: batch.id) }
            let (stored, created) = try await store.enqueueBatch(
                batch, commands: commands, guardRail: WipeGuardRail(), at: time, audit: Fixtures.audit("command.batch"))
            #expect(created && stored.states == [.queued: 3] && stored.refusedCount == 1)
            _ = try await store.deliverCommands(to: [devices[0]], at: time, limit: 16)
            _ = try await store.recordCommandOutcomes(
                [(devices[0], CommandOutcome(commandID: commands[0].id.rawValue, status: .acknowledged))], at: time,
                audit: { _ in nil })
            let progress = try await store.commandBatch(id: batch.id)
            #expect(progress?.states == [.queued: 2, .acknowledged: 1])
            #expect(progress?.endedCount == 1 && progress?.issuedCount == 3)

            let retry = CommandBatch(
                id: .generate(at: time), kind: .lock, issuedBy: Self.issuer, reason: "drill", createdAt: time, deviceCount: 4,
                refusedCount: 1, idempotencyKey: "drill-1")
            let (same, createdAgain) = try await store.enqueueBatch(
                retry, commands: devices.map { Self.command(.lock, for: $0, at: time, batch: retry.id) }, guardRail: WipeGuardRail(),
                at: time, audit: Fixtures.audit("command.batch"))
            #expect(!createdAgain && same.id == batch.id)
            let listed = try await store.commands(CommandFilter(batchID: batch.id), try PageRequest(limit: 2))
            #expect(listed.items.count == 2 && listed.nextAfter != nil)
            let rest = try await store.commands(CommandFilter(batchID: batch.id), try PageRequest(limit: 2, after: listed.nextAfter))
            #expect(Set((listed.items + rest.items).map(\.id)) == Set(commands.map(\.id)))
            #expect(try await store.commands(CommandFilter(state: .acknowledged), .first).items.map(\.id) == [commands[0].id])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aBatchsTargetsAreTheSelectedDevicesInServiceWithTheirOwnership(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let person = Fixtures.person(.clinician)
            let corporate = try await Fixtures.enrollDevice(for: person, hardwareID: "SN-1", in: store).device
            let personal = try await Fixtures.enrollDevice(for: person, ownership: .byod, hardwareID: "SN-2", in: store).device
            #expect(
                try await store.commandTargets(DeviceFilter(status: .active)) == [
                    CommandTarget(deviceID: corporate.id, ownership: .corporate),
                    CommandTarget(deviceID: personal.id, ownership: .byod),
                ])
            #expect(try await store.commandTargets(DeviceFilter(ownership: .byod)).map(\.deviceID) == [personal.id])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aLossReportIsKeptWithTheDeviceAndMakesItLostOrStolen(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            #expect(device.loss == nil && device.custody == .inService)
            let loss = DeviceLoss(kind: .stolen, reportedAt: time, reportedBy: Self.issuer, wipeAt: time.addingTimeInterval(3_600))
            _ = try await store.updateDevice(id: device.id, audit: Fixtures.audit("device.report_stolen")) { $0.loss = loss }
            let stolen = try await store.device(id: device.id)
            #expect(stolen?.loss == loss && stolen?.custody == .stolen)
            _ = try await store.updateDevice(id: device.id, audit: Fixtures.audit("device.report_found")) { $0.loss = nil }
            #expect(try await store.device(id: device.id)?.custody == .inService)
        }
    }
}
