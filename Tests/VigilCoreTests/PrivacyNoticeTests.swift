import Foundation
import Testing
import VigilCore

/// A device's privacy notice says what the configuration in force does, and nothing else.
@Suite struct PrivacyNoticeTests {
    static let now = ComplianceEvaluatorTests.now

    static let evaluator: ComplianceEvaluator = {
        let policy = SecurityPolicy(
            name: "personal-phones", scope: PolicyScope(ownership: [.byod]),
            requirements: PolicyRequirements(
                passcodeRequired: true, jailbreakForbidden: true, maximumScreenLockSeconds: 60))
        let acceptableUse = try! Agreement.publish(
            AgreementDraft(name: "acceptable-use", kind: .acceptableUse, title: "Acceptable use <of> devices", text: "Be careful."),
            previous: nil, at: now.addingTimeInterval(-86_400))
        let privacy = try! Agreement.publish(
            AgreementDraft(name: "privacy", kind: .privacy, title: "Privacy notice", text: "We look at little."),
            previous: nil, at: now.addingTimeInterval(-86_400))
        return ComplianceEvaluator(policies: PolicySet([policy]), agreements: AgreementSet([acceptableUse, privacy]))
    }()

    static func notice(
        _ device: Device, accepted: AcceptedAgreements = AcceptedAgreements(), settings: BYODSettings = BYODSettings()
    ) -> PrivacyNotice {
        let subject = EvaluationSubject(
            device: device, roles: [.clinician], personStatus: .active, recorded: nil, emergency: nil,
            affiliation: .affiliatedClinician, acceptedAgreements: accepted)
        return PrivacyNotice(subject: subject, evaluator: evaluator, settings: settings, at: now)
    }

    @Test func aPersonalDevicesNoticeStatesTheMatrixTheAgreementsAndTheRequirements() throws {
        let device = ComplianceEvaluatorTests.device(ownership: .byod, posture: ComplianceEvaluatorTests.posture())
        let notice = Self.notice(device, accepted: AcceptedAgreements(["acceptable-use": 1]))
        #expect(notice.ownership == .byod && !notice.hospitalOwned && notice.generatedAt == Self.now)
        #expect(notice.fields.map(\.field) == CollectedField.allCases)
        let levels = Dictionary(uniqueKeysWithValues: notice.fields.map { ($0.field, $0.level) })
        #expect(levels[.preciseLocation] == .never && levels[.personalApps] == .never && levels[.deviceName] == .collect)
        let location = try #require(notice.fields.first { $0.field == .preciseLocation })
        #expect(!location.collected && location.seenBy.isEmpty && !location.seenByYou)
        #expect(location.detail.hasPrefix("Never collected"))
        let name = try #require(notice.fields.first { $0.field == .deviceName })
        #expect(name.seenBy == [.admin, .securityOfficer, .auditor] && name.seenByYou)

        #expect(notice.actions.first { $0.action == .fullWipe }?.allowed == false)
        #expect(notice.actions.first { $0.action == .selectiveWipe }?.allowed == true)
        #expect(notice.actions.first { $0.action == .locate }?.allowed == false)
        #expect(notice.alwaysCollected.map(\.id).contains("managedApps"))
        #expect(notice.neverCollected.map(\.id) == ["messages", "email", "photos", "browsingHistory", "callHistory", "personalAppContents"])

        #expect(notice.agreements.map(\.name) == ["acceptable-use", "privacy"])
        #expect(notice.agreements.map(\.status) == [.accepted, .missing])
        #expect(notice.agreements.first?.title == "Acceptable use <of> devices")

        #expect(notice.requirements.map(\.requirement) == [.passcodeRequired, .jailbreakForbidden, .maximumScreenLockSeconds])
        #expect(notice.requirements.map(\.met) == [true, true, false], "the posture locks after 120 seconds")
        #expect(notice.requirements.last?.expected == "locks within 60 seconds")
        #expect(notice.requirements.last?.title == "Screen lock")
        #expect(notice.requirements.allSatisfy { $0.policy == PolicyReference(name: "personal-phones", version: 1) })
    }

    @Test func theNoticeFollowsTheLiveConfiguration() throws {
        let device = ComplianceEvaluatorTests.device(ownership: .byod, posture: nil)
        let opened = BYODSettings(collection: CollectionMatrix([.byod: [.preciseLocation: .hidden]]), version: 4)
        let notice = Self.notice(device, settings: opened)
        #expect(notice.settingsVersion == 4)
        let location = try #require(notice.fields.first { $0.field == .preciseLocation })
        #expect(location.level == .hidden && location.collected && location.seenBy == [.securityOfficer])
        #expect(location.detail.contains("hidden from administrators and auditors"))
        #expect(notice.actions.first { $0.action == .locate }?.allowed == true)
        #expect(notice.requirements.count == 3 && notice.requirements.allSatisfy { $0.met == nil }, "not checked in yet")
    }

    @Test func aHospitalDevicesNoticeHasNoAgreementsAndMayBeWiped() throws {
        let notice = Self.notice(ComplianceEvaluatorTests.device(ownership: .corporate))
        #expect(notice.hospitalOwned && notice.agreements.isEmpty)
        #expect(notice.requirements.isEmpty, "the only policy is for BYOD devices")
        #expect(notice.actions.first { $0.action == .fullWipe }?.allowed == true)
        #expect(notice.fields.allSatisfy { $0.level == .collect })
    }

    @Test func theNoticeRoundTripsThroughJSON() throws {
        let notice = Self.notice(ComplianceEvaluatorTests.device(ownership: .byod))
        let data = try VigilJSON.makeEncoder().encode(notice)
        #expect(try VigilJSON.makeDecoder().decode(PrivacyNotice.self, from: data) == notice)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["ownership"] as? String == "byod")
        #expect((object["fields"] as? [[String: Any]])?.first?["level"] as? String == "never")
    }
}
