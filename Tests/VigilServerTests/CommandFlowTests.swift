import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// Remote commands over the API and the agent protocol: issue, deliver at check-in, answer,
/// inspect, cancel, approve; the ownership refusals; batches; lost, stolen and found.
@Suite struct CommandFlowTests {
    static func command(_ response: TestResponse) throws -> DeviceCommand {
        try VigilJSON.makeDecoder().decode(DeviceCommand.self, from: Data(buffer: response.body))
    }

    @discardableResult
    static func issue(
        _ server: TestServer, to device: DeviceID, _ body: String, as role: Role = .admin
    ) async throws -> TestResponse {
        try await server.send(.post, "/api/v1/devices/\(device)/commands", as: role, body: body)
    }

    static func answer(_ server: TestServer, _ device: inout TestDevice, _ outcomes: [CommandOutcome]) async throws -> TestResponse {
        try await device.signed(
            server, "/agent/v1/commands/results", body: try VigilJSON.makeEncoder().encode(CommandResults(results: outcomes)))
    }

    /// The actions of a device's history, oldest first.
    static func historyActions(_ server: TestServer, _ device: DeviceID) async throws -> [String] {
        let history = try await server.send(.get, "/api/v1/devices/\(device)/history?limit=200", as: .auditor).json()
        return ((history["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }.reversed()
    }

    @Test func aLockIsDeliveredAtCheckInAnsweredAndAuditedAndItsKeyQueuesItOnce() async throws {
        try await TestServer.run { server in
            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(phone.deviceID)
            let body = #"{"kind":"lock","parameters":{"message":"Return to ward 4"},"reason":"left at the station","idempotencyKey":"lock-1"}"#
            let issued = try await Self.issue(server, to: deviceID, body)
            #expect(issued.status == .created, "\(issued.text)")
            let lock = try Self.command(issued)
            #expect(lock.state == .queued && lock.priority == .high && lock.issuedBy.id == server.cast.person(.admin).id.rawValue)
            let again = try await Self.issue(server, to: deviceID, body)
            #expect(again.status == .ok)
            #expect(try Self.command(again).id == lock.id)
            let other = try await Self.issue(server, to: deviceID, #"{"kind":"locate","reason":"x","idempotencyKey":"lock-1"}"#)
            #expect(other.status == .conflict)
            #expect(try await Self.issue(server, to: deviceID, body, as: .auditor).status == .forbidden)
            #expect(try await Self.issue(server, to: deviceID, body, as: .clinician).status == .forbidden)
            let unknown = try await Self.issue(server, to: deviceID, #"{"kind":"lock","reason":"x","parameters":{"colour":"red"}}"#)
            #expect(unknown.status == .badRequest, "\(unknown.text)")
            let reserved = try await Self.issue(server, to: deviceID, #"{"kind":"lock","reason":"x","idempotencyKey":"access-7"}"#)
            #expect(reserved.status == .badRequest && reserved.text.contains("idempotencyKey"))

            let checkIn = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(checkIn.commands == [PendingCommand(id: lock.id.rawValue, type: "lock", parameters: ["message": "Return to ward 4"])])
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).commands.isEmpty, "delivered once")
            let delivered = try await server.send(.get, "/api/v1/commands/\(lock.id)", as: .auditor)
            #expect(try Self.command(delivered).state == .delivered)

            let answered = try await Self.answer(
                server, &phone,
                [CommandOutcome(commandID: lock.id.rawValue, status: .acknowledged, detail: "locked"),
                 CommandOutcome(commandID: "cmd_01M8VKTH5YHVV26Z6TP8YMD122", status: .acknowledged)])
            #expect(answered.status == .ok, "\(answered.text)")
            let response = try VigilJSON.makeDecoder().decode(CommandResultsResponse.self, from: Data(buffer: answered.body))
            #expect(response.recorded == [lock.id.rawValue] && response.refused.count == 1)
            let done = try Self.command(try await server.send(.get, "/api/v1/commands/\(lock.id)", as: .securityOfficer))
            #expect(done.state == .acknowledged && done.result == "locked")
            let actions = try await Self.historyActions(server, deviceID)
            #expect(actions.filter { $0.hasPrefix("command.") } == ["command.issue", "command.complete"])

            let listed = try await server.send(.get, "/api/v1/devices/\(deviceID)/commands?state=acknowledged", as: .auditor).json()
            #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [lock.id.rawValue])
            let bad = try await Self.answer(server, &phone, [CommandOutcome(commandID: "not a command", status: .failed)])
            #expect(bad.status == .badRequest)
        }
    }

    @Test func aFailedOrPutOffCommandNeverBlocksTheOnesBehindIt() async throws {
        try await TestServer.run { server in
            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(phone.deviceID)
            let sound = try Self.command(try await Self.issue(server, to: deviceID, #"{"kind":"play_sound","reason":"find it"}"#))
            let locate = try Self.command(try await Self.issue(server, to: deviceID, #"{"kind":"locate","reason":"find it"}"#))
            let policy = try Self.command(try await Self.issue(server, to: deviceID, #"{"kind":"apply_policy","reason":"new rules"}"#))
            let first = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(first.commands.map(\.id) == [sound.id, locate.id, policy.id].map(\.rawValue))
            _ = try await Self.answer(
                server, &phone,
                [CommandOutcome(commandID: sound.id.rawValue, status: .failed, detail: "no speaker"),
                 CommandOutcome(commandID: locate.id.rawValue, status: .notNow, retryAfterSeconds: 3_600),
                 CommandOutcome(commandID: policy.id.rawValue, status: .acknowledged)])
            let states = try await [sound, locate, policy].asyncMap { command in
                try Self.command(try await server.send(.get, "/api/v1/commands/\(command.id)", as: .admin)).state
            }
            #expect(states == [.failed, .notNow, .acknowledged])
            // A new command goes out at once, ahead of the put-off one still waiting its hour.
            let lock = try Self.command(try await Self.issue(server, to: deviceID, #"{"kind":"lock","reason":"now"}"#))
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).commands.map(\.id) == [lock.id.rawValue])
        }
    }

    @Test func cancellingEndsACommandOnceAndTheDeviceIsNotGivenIt() async throws {
        try await TestServer.run { server in
            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(phone.deviceID)
            let lock = try Self.command(try await Self.issue(server, to: deviceID, #"{"kind":"lock","reason":"mistake"}"#))
            let cancelled = try await server.send(.post, "/api/v1/commands/\(lock.id)/cancel", as: .securityOfficer)
            #expect(cancelled.status == .ok)
            #expect(try Self.command(cancelled).state == .cancelled)
            #expect(try await server.send(.post, "/api/v1/commands/\(lock.id)/cancel", as: .admin).status == .conflict)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).commands.isEmpty)
            #expect(try await server.send(.post, "/api/v1/commands/cmd_nothing/cancel", as: .admin).status == .notFound)
        }
    }

    @Test func aFullWipeIsRefusedForAPersonalDeviceWhichTakesASelectiveWipe() async throws {
        try await TestServer.run { server in
            let phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            let deviceID = try #require(phone.deviceID)
            let refused = try await Self.issue(server, to: deviceID, #"{"kind":"full_wipe","reason":"left the hospital"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("selective_wipe"), "\(refused.text)")
            let selective = try await Self.issue(server, to: deviceID, #"{"kind":"selective_wipe","reason":"left the hospital"}"#)
            #expect(selective.status == .created, "\(selective.text)")
        }
    }

    @Test func wipesBeyondTheHourlyLimitWaitForASecondAdministrator() async throws {
        try await TestServer.run(configure: { $0.wipeGuardLimit = 1 }) { server in
            var first = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            var second = try await TestDevice.enrolled(server, for: server.cast.person(.nurseManager))
            let wipe = #"{"kind":"full_wipe","reason":"decommissioned"}"#
            let released = try Self.command(try await Self.issue(server, to: try #require(first.deviceID), wipe))
            let held = try Self.command(try await Self.issue(server, to: try #require(second.deviceID), wipe))
            #expect(released.state == .queued && held.state == .held)
            #expect(try server.decodeCheckIn(try await second.checkIn(server)).commands.isEmpty, "a held wipe is not delivered")
            let byIssuer = try await server.send(.post, "/api/v1/commands/\(held.id)/approve", as: .admin)
            #expect(byIssuer.status == .forbidden, "\(byIssuer.text)")
            let approved = try await server.send(.post, "/api/v1/commands/\(held.id)/approve", as: .securityOfficer)
            #expect(approved.status == .ok)
            #expect(try Self.command(approved).approvedBy == server.cast.person(.securityOfficer).id)
            #expect(try server.decodeCheckIn(try await second.checkIn(server)).commands.map(\.id) == [held.id.rawValue])
            #expect(try await server.send(.post, "/api/v1/commands/\(released.id)/approve", as: .securityOfficer).status == .conflict)
            _ = try await first.checkIn(server)
        }
    }

    @Test func aBatchReachesTheSelectedDevicesAndReportsItsProgress() async throws {
        try await TestServer.run { server in
            var corporate = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            _ = try await TestDevice.enrolled(server, for: server.cast.person(.nurseManager))
            _ = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            let body = #"{"command":{"kind":"locate","reason":"inventory","idempotencyKey":"count-1"},"devices":{}}"#
            let created = try await server.send(.post, "/api/v1/command-batches", as: .admin, body: body)
            #expect(created.status == .accepted, "\(created.text)")
            let batch = try created.json()
            #expect(batch["deviceCount"] as? Int == 3 && batch["refusedCount"] as? Int == 1 && batch["issued"] as? Int == 2)
            let batchID = try #require(batch["id"] as? String)
            let repeated = try await server.send(.post, "/api/v1/command-batches", as: .admin, body: body)
            #expect(repeated.status == .ok)
            #expect(try repeated.string("id") == batchID)

            let given = try server.decodeCheckIn(try await corporate.checkIn(server)).commands
            _ = try await Self.answer(server, &corporate, given.map { CommandOutcome(commandID: $0.id, status: .acknowledged) })
            let progress = try await server.send(.get, "/api/v1/command-batches/\(batchID)", as: .auditor).json()
            #expect(progress["ended"] as? Int == 1)
            #expect((progress["states"] as? [String: Int]) == ["queued": 1, "acknowledged": 1])
            let corporateOnly = try await server.send(
                .post, "/api/v1/command-batches", as: .admin,
                body: #"{"command":{"kind":"lock","reason":"drill"},"devices":{"ownership":"corporate","personID":"\#(server.cast.person(.nurseManager).id)"}}"#)
            #expect(try corporateOnly.json()["deviceCount"] as? Int == 1)
        }
    }

    @Test func aStolenDeviceIsLockedLocatedAndCutOffAndWipedLaterUnlessFound() async throws {
        try await TestServer.run { server in
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            let deviceID = try #require(phone.deviceID)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)

            let stolen = try await server.send(
                .post, "/api/v1/me/devices/\(deviceID)/loss", as: .clinician,
                body: #"{"status":"stolen","phone":"+1 312 555 0100","reason":"taken from my locker"}"#)
            #expect(stolen.status == .ok, "\(stolen.text)")
            let plan = try stolen.json()
            let kinds = (plan["commands"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["lost_mode_on", "locate", "full_wipe"])
            let checkIn = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(checkIn.access.state == .denied)
            // The high-priority ones first; the wipe waits its delay.
            #expect(Set(checkIn.commands.prefix(2).map(\.type)) == ["lost_mode_on", "block_phi"])
            #expect(checkIn.commands.map(\.type).last == "locate" && checkIn.commands.count == 3)
            #expect(checkIn.commands.first { $0.type == "lost_mode_on" }?.parameters["phone"] == "+1 312 555 0100")

            let found = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/loss", as: .securityOfficer, body: #"{"status":"found","reason":"at the desk"}"#)
            #expect(found.status == .ok, "\(found.text)")
            let withdrawn = try #require((try found.json())["withdrawn"] as? [String])
            let wipeID = try #require((plan["commands"] as? [[String: Any]])?.last?["id"] as? String)
            #expect(withdrawn.count == 3 && withdrawn.contains(wipeID), "the plan, the scheduled wipe included, is withdrawn")
            #expect(try Self.command(try await server.send(.get, "/api/v1/commands/\(wipeID)", as: .admin)).state == .cancelled)
            let after = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(after.access.state == .allowed)
            #expect(Set(after.commands.map(\.type)) == ["lost_mode_off", "restore_phi"])
            let actions = try await Self.historyActions(server, deviceID)
            #expect(actions.filter { $0 == "device.loss_report" }.count == 2)
            #expect(actions.contains("command.cancel"))
            let again = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/loss", as: .admin, body: #"{"status":"found","reason":"twice"}"#)
            #expect(again.status == .conflict)
        }
    }

    @Test func aPersonReportsOnlyTheirOwnDevice() async throws {
        try await TestServer.run { server in
            let phone = try await TestDevice.enrolled(server, for: server.cast.person(.nurseManager))
            let deviceID = try #require(phone.deviceID)
            let body = #"{"status":"lost","reason":"cannot find it"}"#
            let other = try await server.send(.post, "/api/v1/me/devices/\(deviceID)/loss", as: .clinician, body: body)
            #expect(other.status == .notFound)
            let own = try await server.send(.post, "/api/v1/me/devices/\(deviceID)/loss", as: .nurseManager, body: body)
            #expect(own.status == .ok, "\(own.text)")
            #expect(try await server.store.device(id: deviceID)?.custody == .lost)
            let stolen = try await server.send(
                .post, "/api/v1/me/devices/\(deviceID)/loss", as: .nurseManager,
                body: #"{"status":"stolen","phone":"+1 312 555 0199","reason":"it was taken"}"#)
            #expect(stolen.status == .ok, "a second report with another number is taken: \(stolen.text)")
            let device = try await server.send(.get, "/api/v1/devices/\(deviceID)", as: .admin).json()
            #expect(((device["device"] as? [String: Any])?["loss"] as? [String: Any])?["kind"] as? String == "stolen")
            #expect(try await server.send(.post, "/api/v1/devices/\(deviceID)/loss", as: .auditor, body: body).status == .forbidden)
            // Her own reports she may undo; a theft the security team reported, only the security team.
            let mine = try await server.send(
                .post, "/api/v1/me/devices/\(deviceID)/loss", as: .nurseManager, body: #"{"status":"found","reason":"in my bag"}"#)
            #expect(mine.status == .ok, "\(mine.text)")
            let theirs = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/loss", as: .securityOfficer, body: #"{"status":"stolen","reason":"seen taken"}"#)
            #expect(theirs.status == .ok)
            let undo = try await server.send(
                .post, "/api/v1/me/devices/\(deviceID)/loss", as: .nurseManager, body: #"{"status":"found","reason":"it is back"}"#)
            #expect(undo.status == .forbidden, "\(undo.text)")
            #expect(try await server.store.device(id: deviceID)?.custody == .stolen)
        }
    }
}

extension Array {
    /// The elements transformed in order by an asynchronous function.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
