import Crypto
import Foundation
import Testing
import VigilCore

@Suite struct ApprovalRulesTests {
    let rules = ApprovalRules(
        autoApprove: true, allowedPlatforms: [.ios, .android], minimumOSVersions: [.ios: "17.4", .android: "14"],
        allowedModels: ["iPhone*", "Pixel 8", "Pixel 9*"], blockedModels: ["Pixel 9a"], maximumDevicesPerPerson: 2)

    func facts(_ platform: Platform, _ model: String, _ os: String) -> DeviceFacts {
        DeviceFacts(platform: platform, model: model, osVersion: os)
    }

    @Test func aDeviceThatMeetsEveryRuleIsApproved() {
        #expect(rules.verdict(for: facts(.ios, "iPhone 15 Pro", "17.5"), devicesInService: 0) == .approve)
        #expect(rules.verdict(for: facts(.android, "pixel 8", "15"), devicesInService: 1) == .approve)
        var manual = rules
        manual.autoApprove = false
        #expect(manual.verdict(for: facts(.ios, "iPhone 15", "18"), devicesInService: 0)
            == .review(reasons: ["the rules do not approve devices automatically"]))
    }

    @Test func hardRulesDenyWithEveryReason() {
        #expect(rules.verdict(for: facts(.windows, "Surface", "11"), devicesInService: 0)
            == .deny(reasons: ["platform windows is not allowed (allowed: android, ios)"]))
        #expect(rules.verdict(for: facts(.android, "Pixel 9a", "15"), devicesInService: 0)
            == .deny(reasons: ["model Pixel 9a is blocked"]))
        // Hard and soft together: denied, with the hard reasons only.
        #expect(rules.verdict(for: facts(.android, "Pixel 9a", "12"), devicesInService: 2)
            == .deny(reasons: ["model Pixel 9a is blocked", "the person has 2 personal devices in service; the limit is 2"]))
    }

    @Test func softRulesWaitForAnAdministrator() {
        #expect(rules.verdict(for: facts(.ios, "iPhone 12", "16.7"), devicesInService: 0)
            == .review(reasons: ["ios 16.7 is older than 17.4"]))
        #expect(rules.verdict(for: facts(.android, "Galaxy S24", "14"), devicesInService: 0)
            == .review(reasons: ["model Galaxy S24 is not on the allowed list"]))
        #expect(rules.verdict(for: facts(.android, "Pixel 8", "UpsideDownCake"), devicesInService: 0)
            == .review(reasons: ["operating system version UpsideDownCake cannot be compared with 14"]))
    }

    @Test func theDefaultsLeaveEveryDeviceToAnAdministrator() {
        #expect(ApprovalRules().verdict(for: facts(.linux, "ThinkPad", "6.1"), devicesInService: 9)
            == .review(reasons: ["the rules do not approve devices automatically"]))
    }

    @Test func validationNamesTheField() throws {
        #expect(throws: ValidationError(field: "r.minimumOSVersions.ios", message: "is not a version such as 17.4")) {
            try ApprovalRules(minimumOSVersions: [.ios: "latest"]).validated(field: "r")
        }
        #expect(throws: ValidationError(field: "r.blockedModels[0]", message: "may use * only at the end of a model name")) {
            try ApprovalRules(blockedModels: ["*Pixel"]).validated(field: "r")
        }
        #expect(throws: ValidationError(field: "r.maximumDevicesPerPerson", message: "must be between 1 and 100")) {
            try ApprovalRules(maximumDevicesPerPerson: 0).validated(field: "r")
        }
        #expect(try rules.validated() == rules)
    }

    @Test func rulesRoundTripThroughJSONAndRefuseUnknownFields() throws {
        let data = try VigilJSON.makeEncoder().encode(rules)
        #expect(try VigilJSON.makeDecoder().decode(ApprovalRules.self, from: data) == rules)
        #expect(throws: DecodingError.self) {
            try VigilJSON.makeDecoder().decode(ApprovalRules.self, from: Data(#"{"autoApprove": true, "maxDevices": 1}"#.utf8))
        }
        #expect(try VigilJSON.makeDecoder().decode(ApprovalRules.self, from: Data("{}".utf8)) == ApprovalRules())
    }

    @Test func enrollmentAppliesTheRulesToPersonalDevicesOnly() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let settings = BYODSettings(byodApproval: rules)
        func enroll(_ ownership: Ownership, _ facts: DeviceFacts, devices: Int = 0) throws -> Device {
            let (invitation, code) = try EnrollmentInvitation.issue(
                for: Person(
                    id: .generate(at: now), name: "N", email: "n@x.example",
                    affiliation: ownership == .patientOwned ? .patient : .employee,
                    roles: ownership == .patientOwned ? [.patient] : [.clinician], facilityIDs: [], status: .active,
                    createdAt: now, updatedAt: now),
                facilityID: nil, ownership: ownership, deviceClass: .phone, medicalKind: nil, note: nil, lifetimeHours: 1,
                createdBy: nil, at: now)
            let key = Curve25519.Signing.PrivateKey()
            let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
            return try Enrollment.admit(
                invitation: invitation, person: EnrollingPerson(status: .active, personalDevicesInService: devices),
                code: code, facts: facts, publicKey: publicKey,
                proof: Base64URL.encode(try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey))),
                settings: settings, at: now)
        }
        var withSerial = facts(.ios, "iPhone 15", "18")
        withSerial.hardwareID = "SERIAL-1"
        let approved = try enroll(.byod, withSerial)
        #expect(approved.approval == .approved && approved.approvalReason == "met the byod approval rules")
        #expect(approved.hardwareID == nil, "a personal device's serial number is never collected by default")
        let denied = try enroll(.byod, facts(.windows, "Surface", "11"))
        #expect(denied.approval == .denied)
        #expect(denied.approvalReason?.contains("platform windows is not allowed") == true)
        let overLimit = try enroll(.byod, facts(.ios, "iPhone 15", "18"), devices: 2)
        #expect(overLimit.approval == .denied)
        #expect(try enroll(.byod, facts(.ios, "iPhone 12", "16")).approval == .pending)
        // The patient-owned rules are the defaults: everything waits.
        #expect(try enroll(.patientOwned, facts(.ios, "iPhone 15", "18")).approval == .pending)
        let corporate = try enroll(.corporate, withSerial)
        #expect(corporate.approval == .approved && corporate.approvalReason == nil && corporate.hardwareID == "SERIAL-1")
    }

    @Test func aSettingsChangeListsEveryCellAndRuleThatChanged() {
        var after = BYODSettings(collection: CollectionMatrix([.byod: [.preciseLocation: .hidden]]))
        after.patientOwnedApproval.blockedModels = ["Old*", "Older*"]
        after.patientOwnedApproval.minimumOSVersions = [.ios: "17"]
        #expect(after.changes(from: BYODSettings()) == [
            "collection.byod.preciseLocation never → collect_hidden",
            "patientOwnedApproval.minimumOSVersions {} → {ios: 17}",
            "patientOwnedApproval.blockedModels 0 → 2 models",
        ])
        #expect(after.changes(from: after).isEmpty)
    }
}
