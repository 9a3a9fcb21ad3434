import Foundation
import Testing
import VigilCore

@Suite struct AgreementTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func draft(_ text: String = "Keep PHI in managed apps.", grace: Int? = nil, effective: Date? = nil,
               audience: AgreementAudience = AgreementAudience()) -> AgreementDraft {
        AgreementDraft(
            name: "acceptable-use", kind: .acceptableUse, title: "Acceptable use", text: text, effectiveAt: effective,
            graceDays: grace, audience: audience)
    }

    func subject(_ ownership: Ownership, roles: Set<Role> = [.clinician], affiliation: Affiliation = .employee,
                 accepted: [String: Int] = [:]) -> EvaluationSubject {
        let device = Device(
            id: .generate(at: now), personID: .generate(at: now), facilityID: nil, invitationID: .generate(at: now),
            ownership: ownership, deviceClass: .phone, medicalKind: nil, platform: .android, model: "Pixel 8",
            osVersion: "15", hardwareID: nil, name: nil, publicKey: "", approval: .approved, enrolledAt: now,
            updatedAt: now)
        return EvaluationSubject(
            device: device, roles: roles, personStatus: .active, recorded: nil, emergency: nil,
            affiliation: affiliation, acceptedAgreements: AcceptedAgreements(accepted))
    }

    @Test func publishingNumbersVersionsAndHashesTheText() throws {
        let first = try Agreement.publish(draft(), previous: nil, at: now)
        #expect(first.version == 1 && first.effectiveAt == now && first.graceDays == 14)
        #expect(first.sha256 == SHA256Hex.of("Keep PHI in managed apps."))
        let second = try Agreement.publish(draft("Keep PHI in managed apps only."), previous: first, at: now)
        #expect(second.version == 2 && second.sha256 != first.sha256)
        #expect(throws: ValidationError.self) { try Agreement.publish(draft(), previous: first, at: now) }
        var privacy = draft("Other text.")
        privacy.kind = .privacy
        #expect(throws: ValidationError(field: "kind", message: "must stay acceptable_use, the kind of acceptable-use version 1")) {
            try Agreement.publish(privacy, previous: first, at: now)
        }
        #expect(throws: ValidationError.self) { try Agreement.publish(draft(""), previous: nil, at: now) }
        #expect(throws: ValidationError.self) { try Agreement.publish(draft("bell \u{7}"), previous: nil, at: now) }
        #expect(throws: ValidationError.self) {
            try Agreement.publish(draft(String(repeating: "x", count: Agreement.maximumTextBytes + 1)), previous: nil, at: now)
        }
        #expect(throws: ValidationError.self) { try Agreement.publish(draft(grace: -1), previous: nil, at: now) }
        #expect(throws: ValidationError.self) {
            try Agreement.publish(draft(effective: now.addingTimeInterval(-3_600)), previous: nil, at: now)
        }
    }

    @Test func theDecisionInputFollowsOwnershipAudienceAndAcceptance() throws {
        let v1 = try Agreement.publish(draft(audience: AgreementAudience(roles: [.clinician])), previous: nil, at: now)
        let set = AgreementSet([v1])
        #expect(set.input(for: subject(.corporate), at: now) == .notRequired)
        #expect(set.input(for: subject(.byod), at: now) == .missing)
        #expect(set.input(for: subject(.patientOwned), at: now) == .missing)
        #expect(set.input(for: subject(.byod, roles: [.patient]), at: now) == .notRequired)
        #expect(set.input(for: subject(.byod, accepted: ["acceptable-use": 1]), at: now) == .accepted)
        #expect(AgreementSet().input(for: subject(.byod), at: now) == .notRequired)

        let affiliated = try Agreement.publish(
            AgreementDraft(
                name: "privacy", kind: .privacy, title: "Privacy", text: "What we see.",
                audience: AgreementAudience(affiliations: [.affiliatedClinician])), previous: nil, at: now)
        let both = AgreementSet([v1, affiliated])
        #expect(both.input(for: subject(.byod, accepted: ["acceptable-use": 1]), at: now) == .accepted)
        #expect(
            both.input(for: subject(.byod, affiliation: .affiliatedClinician, accepted: ["acceptable-use": 1]), at: now)
                == .missing)
    }

    @Test func aNewVersionKeepsEarlierAcceptancesDuringItsGraceOnly() throws {
        let v1 = try Agreement.publish(draft(), previous: nil, at: now)
        let later = now.addingTimeInterval(86_400)
        let v2 = try Agreement.publish(draft("Version two.", grace: 3, effective: later), previous: v1, at: now)
        let set = AgreementSet([v1, v2])
        let holder = subject(.byod, accepted: ["acceptable-use": 1])
        // Before v2 is in force, v1 is the one in force, and v2 may be accepted ahead.
        #expect(set.inForce(at: now) == [v1])
        #expect(set.requirements(roles: [.clinician], affiliation: .employee, accepted: AcceptedAgreements(), at: now)
            .first?.upcoming == v2)
        #expect(set.isAcceptable(v2, at: now) && set.isAcceptable(v1, at: now))
        #expect(set.input(for: holder, at: now) == .accepted)
        let inGrace = later.addingTimeInterval(2 * 86_400)
        #expect(set.input(for: holder, at: inGrace) == .accepted)
        #expect(
            set.requirements(roles: [.clinician], affiliation: .employee, accepted: holder.acceptedAgreements, at: inGrace)
                .first?.status == .inGracePeriod(until: later.addingTimeInterval(3 * 86_400)))
        #expect(!set.isAcceptable(v1, at: inGrace))
        let afterGrace = later.addingTimeInterval(3 * 86_400)
        #expect(set.input(for: holder, at: afterGrace) == .missing)
        #expect(set.input(for: subject(.byod, accepted: ["acceptable-use": 2]), at: afterGrace) == .accepted)
        // Someone who never accepted any version has no grace.
        #expect(set.input(for: subject(.byod), at: inGrace) == .missing)
    }

    @Test func aNewVersionNeverRevivesAnAcceptanceWhoseGraceRanOut() throws {
        let day: TimeInterval = 86_400
        let v1 = try Agreement.publish(draft(), previous: nil, at: now)
        let v2 = try Agreement.publish(draft("Two.", grace: 7, effective: now.addingTimeInterval(day)), previous: v1, at: now)
        let v3Time = now.addingTimeInterval(10 * day)
        let v3 = try Agreement.publish(draft("Three.", grace: 14), previous: v2, at: v3Time)
        let onV1 = AcceptedAgreements(["acceptable-use": 1])
        let onV2 = AcceptedAgreements(["acceptable-use": 2])
        let set = AgreementSet([v1, v2, v3])
        // On version 1, past version 2's grace: missing, and version 3 does not bring the grace back.
        #expect(set.status(of: onV1, for: v2, at: v3Time.addingTimeInterval(-1)) == .missing)
        #expect(set.status(of: onV1, for: v3, at: v3Time.addingTimeInterval(1)) == .missing)
        // On version 2 when version 3 took effect: in version 3's grace.
        #expect(set.status(of: onV2, for: v3, at: v3Time.addingTimeInterval(1)) == .inGracePeriod(until: v3Time.addingTimeInterval(14 * day)))
        // Version 3 published during version 2's grace: someone on version 1 still stood, so the grace carries on.
        let early = try Agreement.publish(draft("Three early.", grace: 14), previous: v2, at: now.addingTimeInterval(3 * day))
        let chained = AgreementSet([v1, v2, early])
        #expect(
            chained.status(of: onV1, for: early, at: now.addingTimeInterval(12 * day))
                == .inGracePeriod(until: now.addingTimeInterval(17 * day)))
        // A version not in force yet is not accepted until it is.
        let ahead = try Agreement.publish(draft("Four.", effective: v3Time.addingTimeInterval(day)), previous: v3, at: v3Time)
        #expect(AgreementSet([v1, v2, v3, ahead]).status(of: onV2, for: ahead, at: v3Time) == .missing)
    }

    @Test func acceptedVersionsRoundTripTheirStoredForm() throws {
        var accepted = AcceptedAgreements()
        accepted.insert(name: "privacy", version: 2)
        accepted.insert(name: "acceptable-use", version: 3)
        accepted.insert(name: "acceptable-use", version: 1)
        #expect(accepted.stored == "acceptable-use:3,privacy:2")
        #expect(try AcceptedAgreements(stored: accepted.stored) == accepted)
        #expect(try AcceptedAgreements(stored: "") == AcceptedAgreements())
        #expect(throws: ValidationError.self) { try AcceptedAgreements(stored: "privacy") }
        #expect(throws: ValidationError.self) { try AcceptedAgreements(stored: "privacy:0") }
    }

    @Test func theAccessDecisionDeniesAPersonalDeviceWithoutAcceptance() throws {
        let set = AgreementSet([try Agreement.publish(draft(), previous: nil, at: now)])
        let evaluator = ComplianceEvaluator(policies: PolicySet([]), agreements: set)
        let missing = evaluator.decision(for: subject(.byod), compliance: .compliant, at: now)
        #expect(missing.denials == .agreementMissing)
        let accepted = evaluator.decision(
            for: subject(.byod, accepted: ["acceptable-use": 1]), compliance: .compliant, at: now)
        #expect(accepted.allowed && !accepted.notes.contains(.agreementNotEvaluated))
        #expect(evaluator.decision(for: subject(.byod), compliance: .compliant, at: now, app: .nonPHI).allowed)
    }
}
