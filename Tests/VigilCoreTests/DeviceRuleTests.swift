import Crypto
import Foundation
import Testing
import VigilCore

/// The pure rules of devices: codes, invitations, admission, approval, retirement and postures.
@Suite struct DeviceRuleTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func person(_ role: Role, status: PersonStatus = .active, facilities: Set<FacilityID> = []) -> Person {
        Person(
            id: .generate(at: now), name: "Test", email: "t@test.example", affiliation: .employee, roles: [role],
            facilityIDs: facilities, status: status, createdAt: now, updatedAt: now)
    }

    @Test func codesAreReadAsTypedAndStoredOnlyAsHashes() throws {
        let code = EnrollmentCode.generate()
        #expect(code.normalized.count == 20)
        #expect(code.display.split(separator: "-").map(\.count) == [5, 5, 5, 5])
        let typed = try #require(EnrollmentCode(typed: " " + code.display.lowercased() + " "))
        #expect(typed == code)
        #expect(EnrollmentCode(typed: "O1IL0-00000-00000-00000")?.normalized == "01110000000000000000")
        #expect(EnrollmentCode(typed: "ABCDE-FGHJK-MNPQR-STVWU") == nil, "U is not in the alphabet")
        #expect(EnrollmentCode(typed: "ABCDE-FGHJK") == nil)
        #expect(EnrollmentCode(typed: String(repeating: "A", count: 100)) == nil)
        #expect(code.hash.count == 64 && code.hash != code.normalized)
        #expect("\(code)" == "EnrollmentCode(redacted)")
        #expect(EnrollmentCode.generate() != code)
    }

    @Test func invitationsFollowTheirRules() throws {
        let nurse = person(.clinician)
        let (invitation, _) = try EnrollmentInvitation.issue(
            for: nurse, facilityID: nil, ownership: .byod, deviceClass: .phone, medicalKind: nil, note: " spare ",
            lifetimeHours: 2, createdBy: nil, at: now)
        #expect(invitation.note == "spare")
        #expect(invitation.state(at: now) == .active)
        #expect(invitation.state(at: now.addingTimeInterval(7_200)) == .expired)
        var revoked = invitation
        try revoked.revoke(at: now)
        try revoked.revoke(at: now.addingTimeInterval(60))
        #expect(revoked.revokedAt == now)
        #expect(revoked.state(at: now) == .revoked)
        var used = invitation
        used.usedAt = now
        #expect(used.state(at: now.addingTimeInterval(9_999)) == .used)
        #expect(throws: ValidationError.self) { try used.revoke(at: now) }

        let refusals: [(Person, Ownership, DeviceClass, MedicalDeviceKind?, Int, FacilityID?, String)] = [
            (person(.clinician, status: .suspended), .corporate, .phone, nil, 1, nil, "personID"),
            (nurse, .patientOwned, .phone, nil, 1, nil, "ownership"),
            (nurse, .corporate, .medicalDevice, nil, 1, nil, "medicalKind"),
            (nurse, .corporate, .tablet, .cpap, 1, nil, "medicalKind"),
            (nurse, .corporate, .phone, nil, 0, nil, "expiresInHours"),
            (nurse, .corporate, .phone, nil, 721, nil, "expiresInHours"),
            (nurse, .corporate, .phone, nil, 1, .generate(at: now), "facilityID"),
        ]
        for (who, ownership, deviceClass, kind, hours, facility, field) in refusals {
            #expect(throws: ValidationError.self, "\(field)") {
                try EnrollmentInvitation.issue(
                    for: who, facilityID: facility, ownership: ownership, deviceClass: deviceClass, medicalKind: kind,
                    note: nil, lifetimeHours: hours, createdBy: nil, at: now)
            }
        }
        let patient = person(.patient)
        let pump = try EnrollmentInvitation.issue(
            for: patient, facilityID: nil, ownership: .patientIssued, deviceClass: .medicalDevice,
            medicalKind: .insulinPump, note: nil, lifetimeHours: 720, createdBy: nil, at: now)
        #expect(pump.invitation.medicalKind == .insulinPump)
    }

    @Test func admissionChecksTheCodeStateAndTheProof() throws {
        let (invitation, code) = try EnrollmentInvitation.issue(
            for: person(.clinician), facilityID: nil, ownership: .corporate, deviceClass: .phone, medicalKind: nil,
            note: nil, lifetimeHours: 1, createdBy: nil, at: now)
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
        let proof = Base64URL.encode(try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey)))
        let facts = DeviceFacts(platform: .android, model: " Pixel 8 ", osVersion: "15", hardwareID: "SN9")
        func admit(
            _ invitation: EnrollmentInvitation?, person: PersonStatus? = .active, proof: String = proof, at time: Date? = nil
        ) throws -> Device {
            try Enrollment.admit(
                invitation: invitation, person: person.map { EnrollingPerson(status: $0, personalDevicesInService: 0) },
                code: code, facts: facts, publicKey: publicKey, proof: proof, at: time ?? now)
        }
        let device = try admit(invitation)
        #expect(device.model == "Pixel 8")
        #expect(device.approval == .approved)
        #expect(device.hardwareID == "SN9")
        #expect(device.compliance == .notEvaluated)
        #expect(throws: EnrollmentRefusal.unknownCode) { try admit(nil) }
        #expect(throws: EnrollmentRefusal.personSuspended) { try admit(invitation, person: .suspended) }
        #expect(throws: EnrollmentRefusal.personSuspended) { try admit(invitation, person: nil) }
        #expect(throws: EnrollmentRefusal.expired) { try admit(invitation, at: now.addingTimeInterval(3_600)) }
        var used = invitation
        used.usedAt = now
        #expect(throws: EnrollmentRefusal.used) { try admit(used) }
        var revoked = invitation
        revoked.revokedAt = now
        #expect(throws: EnrollmentRefusal.revoked) { try admit(revoked) }
        let other = Base64URL.encode(try Curve25519.Signing.PrivateKey().signature(for: Data("x".utf8)))
        #expect(throws: EnrollmentRefusal.badProof) { try admit(invitation, proof: other) }
        #expect(throws: EnrollmentRefusal.badProof) { try admit(invitation, proof: "not base64!") }
        for refusal in EnrollmentRefusal.allCases { #expect(!refusal.message.isEmpty) }
    }

    @Test func personalDevicesWaitAndKeepNoHardwareID() throws {
        for ownership in Ownership.allCases {
            #expect((ownership.approvalAtEnrollment == .approved) == ownership.isHospitalOwned)
        }
        #expect(Set(Ownership.allCases.filter { !$0.isHospitalOwned }) == [.byod, .patientOwned])
    }

    @Test func approvalAndRetirementChangeTheRecordOnce() throws {
        let admin = PersonID.generate(at: now)
        var device = Device(
            id: .generate(at: now), personID: .generate(at: now), facilityID: nil, invitationID: .generate(at: now),
            ownership: .byod, deviceClass: .phone, medicalKind: nil, platform: .ios, model: "iPhone", osVersion: "18",
            hardwareID: nil, name: nil, publicKey: Base64URL.encode(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation),
            approval: .pending, enrolledAt: now, updatedAt: now)
        #expect(throws: ValidationError.self) { try device.decideApproval(approved: false, reason: nil, by: admin, at: now) }
        try device.decideApproval(approved: false, reason: "unsupported model", by: admin, at: now)
        #expect(device.approval == .denied)
        #expect(throws: ValidationError.self) { try device.decideApproval(approved: false, reason: "x", by: admin, at: now) }
        try device.decideApproval(approved: true, reason: nil, by: admin, at: now)
        #expect(device.approval == .approved && device.approvalReason == nil)

        #expect(throws: ValidationError.self) { try device.rotateKey(to: "short", at: now) }
        try device.retire(disposition: .lost, custodian: " Security ", note: nil, by: admin, at: now)
        #expect(device.status == .retired)
        #expect(device.retirement?.custodian == "Security")
        #expect(throws: ValidationError.self) {
            try device.retire(disposition: .lost, custodian: "x", note: nil, by: admin, at: now)
        }
        #expect(throws: ValidationError.self) { try device.decideApproval(approved: false, reason: "x", by: admin, at: now) }
        #expect(throws: ValidationError.self) { try device.rotateKey(to: device.publicKey, at: now) }
    }

    @Test func posturesAreValidatedFieldByField() throws {
        let good = Posture(
            osVersion: " 18.1 ", securityPatchDate: "2024-02-29", passcodeSet: true, passcodeLengthClass: .long,
            storageEncrypted: true, jailbroken: false, screenLockTimeoutSeconds: 0, agentVersion: "1.0",
            batteryPercent: 100, managedApps: [ManagedApp(id: "org.hospital.ehr", version: "1")])
        #expect(try good.validated().osVersion == "18.1")
        var cases: [(Posture, String)] = []
        var posture = good
        posture.securityPatchDate = "2023-02-29"
        cases.append((posture, "securityPatchDate"))
        posture = good
        posture.securityPatchDate = "2024-13-01"
        cases.append((posture, "securityPatchDate"))
        posture = good
        posture.batteryPercent = 101
        cases.append((posture, "batteryPercent"))
        posture = good
        posture.screenLockTimeoutSeconds = -1
        cases.append((posture, "screenLockTimeoutSeconds"))
        posture = good
        posture.passcodeSet = false
        cases.append((posture, "passcodeLengthClass"))
        posture = good
        posture.agentVersion = ""
        cases.append((posture, "agentVersion"))
        posture = good
        posture.managedApps = Array(repeating: ManagedApp(id: "a", version: "1"), count: 501)
        cases.append((posture, "managedApps"))
        posture = good
        posture.managedApps = [ManagedApp(id: "a", version: "1"), ManagedApp(id: "b\u{0}", version: "1")]
        cases.append((posture, "managedApps[1].id"))
        for (posture, field) in cases {
            let error = #expect(throws: ValidationError.self) { try posture.validated() }
            #expect(error?.field == field)
        }
        #expect(PasscodeLengthClass(length: 0) == .none)
        #expect(PasscodeLengthClass(length: 5) == .short)
        #expect(PasscodeLengthClass(length: 6) == .medium)
        #expect(PasscodeLengthClass(length: 11) == .long)
        #expect(PasscodeLengthClass(length: 12).minimumLength == 12)
    }

    @Test func inventoryCursorsBelongToTheirOrder() throws {
        let device = Device(
            id: .generate(at: now), personID: .generate(at: now), facilityID: nil, invitationID: .generate(at: now),
            ownership: .corporate, deviceClass: .pc, medicalKind: nil, platform: .linux, model: "m", osVersion: "1",
            hardwareID: nil, name: nil, publicKey: "k", approval: .approved, enrolledAt: now, lastSeenAt: now,
            updatedAt: now)
        let byTime = DeviceSort(.lastSeenAt, descending: true).cursor(after: device)
        #expect(try DeviceSort(.lastSeenAt, descending: true).position(of: byTime).key == String(now.millisecondsSince1970))
        #expect(try DeviceSort.enrolledAt.position(of: DeviceSort.enrolledAt.cursor(after: device)).id == device.id.rawValue)
        #expect(try DeviceSort(.facilityID).position(of: DeviceSort(.facilityID).cursor(after: device)).key == "")
        #expect(throws: ValidationError.self) { try DeviceSort.enrolledAt.position(of: byTime) }
        #expect(throws: ValidationError.self) { try DeviceSort(.lastSeenAt).position(of: device.id.rawValue) }
        #expect(throws: ValidationError.self) { try DeviceSort(.lastSeenAt).position(of: "lastSeenAt|12|x") }
        #expect(throws: ValidationError.self) { try DeviceSort(.lastSeenAt).position(of: "lastSeenAt|corporate|\(device.id)") }
        // A cursor of the same shape from another order, or the other direction, is refused.
        let byOwnership = DeviceSort(.ownership).cursor(after: device)
        #expect(byOwnership == "ownership|corporate|\(device.id)")
        #expect(throws: ValidationError.self) { try DeviceSort(.platform).position(of: byOwnership) }
        #expect(throws: ValidationError.self) { try DeviceSort(.ownership, descending: true).position(of: byOwnership) }
        #expect(throws: ValidationError.self) {
            try DeviceSort(.enrolledAt, descending: true).position(of: DeviceSort.enrolledAt.cursor(after: device))
        }
        #expect(DeviceSort(parameter: "-platform") == DeviceSort(.platform, descending: true))
        #expect(DeviceSort(parameter: "name") == nil)
        #expect(DeviceSort.parameters.count == 18)
    }
}
