import Crypto
import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Devices, invitations and check-ins behave the same on every backend.
@Suite struct DeviceConformanceTests {
    @Test(arguments: StoreBackend.available)
    func invitationsRoundTripListAndRevoke(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            let patient = Fixtures.person(.patient)
            for person in [nurse, patient] { try await store.createPerson(person, audit: Fixtures.audit()) }
            let (first, code) = Fixtures.invitation(for: nurse)
            try await store.createInvitation(first, codeHash: code.hash, audit: Fixtures.audit())
            let (second, otherCode) = Fixtures.invitation(for: patient, ownership: .patientIssued, deviceClass: .medicalDevice)
            try await store.createInvitation(second, codeHash: otherCode.hash, audit: Fixtures.audit())

            #expect(try await store.invitation(id: first.id) == first)
            #expect(try await store.invitation(id: second.id) == second)
            let nurses = try await store.invitations(personID: nurse.id, .first)
            #expect(nurses.items == [first])
            let page = try await store.invitations(personID: nil, PageRequest(limit: 1))
            #expect(page.items == [first])
            let rest = try await store.invitations(personID: nil, PageRequest(limit: 1, after: page.nextAfter))
            #expect(rest.items == [second])

            let time = Fixtures.now
            let revoked = try await store.updateInvitation(id: first.id, audit: Fixtures.audit("invitation.revoke")) {
                try $0.revoke(at: time)
            }
            #expect(revoked.state(at: time) == .revoked)
            #expect(try await store.invitation(id: first.id)?.revokedAt == time)

            let (orphan, orphanCode) = Fixtures.invitation(for: Fixtures.person(.clinician))
            await #expect(throws: StoreError.unknownReference(field: "personID", id: orphan.personID.rawValue)) {
                try await store.createInvitation(orphan, codeHash: orphanCode.hash, audit: Fixtures.audit())
            }
            await #expect(throws: StoreError.conflict("a record with this ID exists already")) {
                try await store.createInvitation(first, codeHash: "other", audit: Fixtures.audit())
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func enrollmentUsesTheInvitationOnceAndWritesTheDevice(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            let (device, _) = try await Fixtures.enrollDevice(for: nurse, in: store)
            #expect(try await store.device(id: device.id) == device)
            #expect(device.approval == .approved)
            #expect(device.hardwareID == "SN-1")
            let invitation = try #require(try await store.invitation(id: device.invitationID))
            #expect(invitation.usedAt == device.enrolledAt)
            #expect(invitation.deviceID == device.id)
            let history = try await store.auditEvents(
                AuditEventFilter(targetType: "device", targetID: device.id.rawValue), .first)
            #expect(history.items.map(\.action) == ["device.enroll"])

            let (personal, _) = try await Fixtures.enrollDevice(for: nurse, ownership: .byod, in: store)
            #expect(personal.approval == .pending)
            #expect(personal.hardwareID == nil)

            // Whatever the admission rule throws cancels everything, and an unknown code reaches it as nil.
            let before = try await store.auditEvents(AuditEventFilter(), .first).items.count
            await #expect(throws: EnrollmentRefusal.unknownCode) {
                _ = try await store.enrollDevice(
                    codeHash: "no-such-hash",
                    admit: { found, person in
                        if found == nil, person == nil { throw EnrollmentRefusal.unknownCode }
                        return device
                    }, audit: { _ in Fixtures.audit() })
            }
            #expect(try await store.auditEvents(AuditEventFilter(), .first).items.count == before)
        }
    }

    @Test(arguments: StoreBackend.available)
    func oneCodeEnrollsOneDeviceEvenWhenTwoTryAtOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            try await store.createPerson(nurse, audit: Fixtures.audit())
            let (invitation, code) = Fixtures.invitation(for: nurse)
            try await store.createInvitation(invitation, codeHash: code.hash, audit: Fixtures.audit())
            let time = Fixtures.now
            @Sendable func attempt() async -> Result<Device, any Error> {
                let key = Curve25519.Signing.PrivateKey()
                let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
                do {
                    let proof = Base64URL.encode(
                        try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey)))
                    return .success(
                        try await store.enrollDevice(
                            codeHash: code.hash,
                            admit: { found, person in
                                try Enrollment.admit(
                                    invitation: found, person: person, code: code,
                                    facts: DeviceFacts(platform: .ios, model: "iPhone", osVersion: "18"),
                                    publicKey: publicKey, proof: proof, at: time)
                            }, audit: { Fixtures.audit("device.enroll", target: .device($0.id)) }))
                } catch {
                    return .failure(error)
                }
            }
            async let first = attempt()
            async let second = attempt()
            let results = await [first, second]
            let enrolled = results.compactMap { try? $0.get() }
            #expect(enrolled.count == 1)
            let refusals = results.compactMap { result -> EnrollmentRefusal? in
                if case .failure(let error) = result { return error as? EnrollmentRefusal }
                return nil
            }
            #expect(refusals == [.used])
            let third = await attempt()
            #expect(throws: EnrollmentRefusal.used) { try third.get() }
            let devices = try await store.devices(DeviceFilter(personID: nurse.id), sort: .enrolledAt, .first)
            #expect(devices.items.count == 1)

            // A suspended person's invitation enrolls nothing, though it is still active.
            let (other, otherCode) = Fixtures.invitation(for: nurse)
            try await store.createInvitation(other, codeHash: otherCode.hash, audit: Fixtures.audit())
            _ = try await store.updatePerson(id: nurse.id, audit: Fixtures.audit()) { $0.status = .suspended }
            let seen = await withCheckedContinuation { (done: CheckedContinuation<PersonStatus?, Never>) in
                Task {
                    _ = try? await store.enrollDevice(
                        codeHash: otherCode.hash,
                        admit: { _, person in
                            done.resume(returning: person?.status)
                            throw EnrollmentRefusal.personSuspended
                        }, audit: { _ in Fixtures.audit() })
                }
            }
            #expect(seen == .suspended)
        }
    }

    @Test(arguments: StoreBackend.available)
    func devicesRoundTripEveryField(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let admin = Fixtures.person(.admin)
            try await store.createPerson(admin, audit: Fixtures.audit())
            let (device, _) = try await Fixtures.enrollDevice(
                for: Fixtures.person(.patient), ownership: .patientIssued, deviceClass: .medicalDevice, in: store)
            let time = Fixtures.now
            let changed = try await store.updateDevice(id: device.id, audit: Fixtures.audit("device.retire")) {
                $0.posture = Fixtures.posture()
                $0.lastSeenAt = time
                try $0.rotateKey(to: $0.publicKey, at: time)
                try $0.retire(disposition: .returned, custodian: "Biomed, R. Okafor", note: "ticket 42", by: admin.id, at: time)
            }
            #expect(changed.medicalKind == .cpap)
            #expect(try await store.device(id: device.id) == changed)
            await #expect(throws: StoreError.notFound("device dev_missing")) {
                try await store.updateDevice(id: DeviceID(rawValue: "dev_missing"), audit: Fixtures.audit()) { _ in }
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func checkInsKeepHistoryForHospitalDevicesOnly(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            let admin = Fixtures.person(.admin)
            try await store.createPerson(admin, audit: Fixtures.audit())
            let (corporate, _) = try await Fixtures.enrollDevice(for: nurse, in: store)
            let (personal, _) = try await Fixtures.enrollDevice(for: nurse, ownership: .byod, in: store)
            let (retired, _) = try await Fixtures.enrollDevice(for: nurse, in: store)
            _ = try await store.updateDevice(id: retired.id, audit: Fixtures.audit()) {
                try $0.retire(disposition: .destroyed, custodian: "IT", note: nil, by: admin.id, at: Fixtures.now)
            }
            let time = Fixtures.now
            let checkIns = [corporate.id, personal.id, retired.id, DeviceID.generate(at: time), corporate.id].enumerated()
                .map { index, id in
                    DeviceCheckIn(
                        deviceID: id, posture: Fixtures.posture(osVersion: "17.\(index)"),
                        at: time.addingTimeInterval(Double(index)))
                }
            let states = try await store.recordCheckIns(checkIns)
            #expect(states.map { $0?.approval } == [.approved, .pending, nil, nil, .approved])
            #expect(states[0]?.compliance == .notEvaluated)

            let stored = try #require(try await store.device(id: corporate.id))
            #expect(stored.lastSeenAt == time.addingTimeInterval(4))
            #expect(stored.osVersion == "17.4")
            #expect(stored.posture == Fixtures.posture(osVersion: "17.4"))
            let history = try await store.postureHistory(deviceID: corporate.id, .first)
            #expect(history.items.map(\.posture.osVersion) == ["17.4", "17.0"])
            let personalHistory = try await store.postureHistory(deviceID: personal.id, .first)
            #expect(personalHistory.items.isEmpty)
            #expect(try await store.device(id: personal.id)?.posture?.osVersion == "17.1")
            #expect(try await store.device(id: retired.id)?.lastSeenAt == nil)

            let firstPage = try await store.postureHistory(deviceID: corporate.id, PageRequest(limit: 1))
            #expect(firstPage.items.map(\.posture.osVersion) == ["17.4"])
            let secondPage = try await store.postureHistory(
                deviceID: corporate.id, PageRequest(limit: 1, after: firstPage.nextAfter))
            #expect(secondPage.items.map(\.posture.osVersion) == ["17.0"])

            // The same posture again, the battery aside, is no new entry of history.
            var drained = Fixtures.posture(osVersion: "17.4")
            drained.batteryPercent = 12
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: corporate.id, posture: drained, at: time.addingTimeInterval(10))
            ])
            let unchanged = try await store.postureHistory(deviceID: corporate.id, .first)
            #expect(unchanged.items.count == 2)
            #expect(try await store.device(id: corporate.id)?.posture?.batteryPercent == 12)

            #expect(try await store.prunePostureHistory(recordedBefore: time.addingTimeInterval(1)) == 1)
            let pruned = try await store.postureHistory(deviceID: corporate.id, .first)
            #expect(pruned.items.map(\.posture.osVersion) == ["17.4"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func inventoryFiltersSortsAndPages(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            let doctor = Fixtures.person(.clinician)
            let start = Fixtures.now
            var devices: [Device] = []
            for (index, ownership) in [Ownership.corporate, .byod, .shared, .byod, .corporate].enumerated() {
                let owner = index % 2 == 0 ? nurse : doctor
                devices.append(
                    try await Fixtures.enrollDevice(
                        for: owner, ownership: ownership, in: store, at: start.addingTimeInterval(Double(index))
                    ).device)
            }
            // Devices 3, 1 and 0 check in, in that order; 2 and 4 are never seen.
            for (offset, index) in [3, 1, 0].enumerated() {
                _ = try await store.recordCheckIns([
                    DeviceCheckIn(
                        deviceID: devices[index].id, posture: Fixtures.posture(),
                        at: start.addingTimeInterval(100 + Double(offset)))
                ])
            }
            func ids(_ filter: DeviceFilter, _ sort: DeviceSort = .enrolledAt) async throws -> [DeviceID] {
                var result: [DeviceID] = []
                var page = try PageRequest(limit: 2)
                while true {
                    let found = try await store.devices(filter, sort: sort, page)
                    result += found.items.map(\.id)
                    guard let next = found.nextAfter else { return result }
                    page = try PageRequest(limit: 2, after: next)
                }
            }
            let all = devices.map(\.id)
            #expect(try await ids(DeviceFilter()) == all)
            #expect(try await ids(DeviceFilter(), DeviceSort(.enrolledAt, descending: true)) == all.reversed())
            #expect(try await ids(DeviceFilter(ownership: .byod)) == [all[1], all[3]])
            #expect(try await ids(DeviceFilter(approval: .pending)) == [all[1], all[3]])
            #expect(try await ids(DeviceFilter(personID: doctor.id)) == [all[1], all[3]])
            #expect(try await ids(DeviceFilter(), DeviceSort(.lastSeenAt)) == [all[2], all[4], all[3], all[1], all[0]])
            #expect(
                try await ids(DeviceFilter(), DeviceSort(.lastSeenAt, descending: true))
                    == [all[0], all[1], all[3], all[4], all[2]])
            // Equal keys follow enrollment order across pages, reversed in falling order.
            #expect(try await ids(DeviceFilter(), DeviceSort(.ownership)) == [all[1], all[3], all[0], all[4], all[2]])
            #expect(
                try await ids(DeviceFilter(), DeviceSort(.ownership, descending: true))
                    == [all[2], all[4], all[0], all[3], all[1]])
            let byPerson = try await ids(DeviceFilter(), DeviceSort(.personID))
            let nurseFirst = nurse.id < doctor.id
            #expect(byPerson == (nurseFirst ? [all[0], all[2], all[4], all[1], all[3]] : [all[1], all[3], all[0], all[2], all[4]]))
            #expect(
                try await ids(DeviceFilter(lastSeenBefore: start.addingTimeInterval(101))) == [all[2], all[3], all[4]])
            #expect(try await ids(DeviceFilter(lastSeenSince: start.addingTimeInterval(101))) == [all[0], all[1]])
            #expect(try await ids(DeviceFilter(status: .retired)) == [])
            #expect(try await ids(DeviceFilter(ownership: .shared, status: .active)) == [all[2]])
            await #expect(throws: ValidationError.self) {
                try await store.devices(DeviceFilter(), sort: DeviceSort(.lastSeenAt), PageRequest(limit: 2, after: all[0].rawValue))
            }
        }
    }
}
