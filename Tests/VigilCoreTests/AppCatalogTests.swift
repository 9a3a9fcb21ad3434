import Foundation
import Testing
import VigilCore

/// The app catalog's rules: identifiers, the four assessment areas, approval for PHI and its
/// withdrawal, scope, the stored form, and what the access decision learns from an entry.
@Suite struct AppCatalogTests {
    /// Noon UTC on 1 June 2026: the latest calendar day anywhere is then 2 June.
    static let now = Date(timeIntervalSince1970: 1_780_315_200)

    static func app(handlesPHI: Bool = true) throws -> CatalogApp {
        try CatalogApp.create(
            id: "org.mercy.ehr", from: CatalogAppDraft(name: "Mercy EHR", handlesPHI: handlesPHI), at: now)
    }

    static func assessment(
        _ area: AssessmentArea, _ result: AssessmentResult, date: String = "2026-05-20", reviewer: String = "J. Rivera"
    ) -> AppAssessment {
        AppAssessment(
            area: area, reviewer: reviewer, date: date, notes: "Reviewed against the checklist.", result: result,
            recordedAt: Date(timeIntervalSince1970: 0))
    }

    /// An app whose latest assessment passed in every area.
    static func assessedApp() throws -> CatalogApp {
        var app = try app()
        for area in AssessmentArea.allCases { try app.record(assessment(area, .pass), at: now) }
        return app
    }

    static func validationError(_ body: () throws -> Void) -> ValidationError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ValidationError
        }
    }

    // MARK: - Entries

    @Test func aNewAppStartsAtVersionOneUnapprovedAndUnassessed() throws {
        let app = try CatalogApp.create(
            id: "org.mercy.ehr",
            from: CatalogAppDraft(
                name: "  Mercy EHR ", platforms: [.ios, .android], ownerships: [.byod], handlesPHI: true, required: true),
            at: Self.now)
        #expect(app.id == "org.mercy.ehr")
        #expect(app.name == "Mercy EHR")
        #expect(app.platforms == [.ios, .android] && app.ownerships == [.byod])
        #expect(app.handlesPHI && app.required && !app.approvedForPHI)
        #expect(app.assessments.isEmpty)
        #expect(app.version == 1)
        #expect(app.createdAt == Self.now && app.updatedAt == Self.now)
        #expect(app.assessmentGaps == AssessmentGaps(missing: AssessmentArea.allCases, failed: []))
    }

    @Test func identifiersAreBundleOrPackageIdentifiers() throws {
        for good in ["org.mercy.ehr", "com.example-app_2", "A", String(repeating: "a", count: 200), "x.Y.9"] {
            #expect(try CatalogApp.validatedID(good) == good)
        }
        for bad in ["", String(repeating: "a", count: 201), "org mercy", "org/ehr", "ehr\u{0}", "café.app", "a:b", "a@b"] {
            let error = Self.validationError { _ = try CatalogApp.validatedID(bad) }
            #expect(error?.field == "id", "\(bad)")
        }
        #expect(Self.validationError { _ = try CatalogApp.validatedID("a b", field: "app") }?.field == "app")
        #expect(Self.validationError {
            _ = try CatalogApp.create(id: "bad id", from: CatalogAppDraft(name: "X", handlesPHI: false), at: Self.now)
        }?.field == "id")
        for name in ["", "   ", String(repeating: "n", count: 201), "Bell\u{7}"] {
            let error = Self.validationError {
                _ = try CatalogApp.create(id: "org.x", from: CatalogAppDraft(name: name, handlesPHI: false), at: Self.now)
            }
            #expect(error?.field == "name", "\(name)")
        }
    }

    @Test func replacingTheContentKeepsAssessmentsAndCountsVersions() throws {
        var app = try Self.assessedApp()
        #expect(app.version == 5)  // created, then four assessments
        let later = Self.now.addingTimeInterval(60)
        let withdrawn = try app.replace(
            with: CatalogAppDraft(name: "Mercy EHR 2", platforms: [.ios], handlesPHI: true, required: true), at: later)
        #expect(!withdrawn)
        #expect(app.name == "Mercy EHR 2" && app.platforms == [.ios] && app.required)
        #expect(app.assessments.count == 4)
        #expect(app.version == 6 && app.updatedAt == later && app.createdAt == Self.now)
        // The same content again changes nothing, not even the version.
        let unchanged = app
        #expect(try !app.replace(
            with: CatalogAppDraft(name: "Mercy EHR 2", platforms: [.ios], handlesPHI: true, required: true),
            at: later.addingTimeInterval(60)))
        #expect(app == unchanged)
        // An invalid name changes nothing either.
        #expect(Self.validationError { try app.replace(with: CatalogAppDraft(name: "", handlesPHI: false), at: later) }?
            .field == "name")
        #expect(app == unchanged)
    }

    // MARK: - Assessments

    @Test func assessmentsAreValidatedTrimmedAndStampedWhenRecorded() throws {
        var app = try Self.app()
        let recordedAt = Self.now.addingTimeInterval(5)
        try app.record(
            AppAssessment(
                area: .privacy, reviewer: "  Privacy Office ", date: "2026-06-02", notes: " Data flows mapped. ",
                result: .pass, recordedAt: .distantPast),
            at: recordedAt)
        let recorded = try #require(app.assessments.last)
        #expect(recorded.reviewer == "Privacy Office" && recorded.notes == "Data flows mapped.")
        #expect(recorded.recordedAt == recordedAt)
        #expect(app.version == 2 && app.updatedAt == recordedAt)

        let cases: [(AppAssessment, String)] = [
            (Self.assessment(.security, .pass, reviewer: ""), "reviewer"),
            (Self.assessment(.security, .pass, reviewer: String(repeating: "r", count: 201)), "reviewer"),
            (Self.assessment(.security, .pass, date: "2026-02-30"), "date"),
            (Self.assessment(.security, .pass, date: "26-05-01"), "date"),
            (Self.assessment(.security, .pass, date: "2026-5-1"), "date"),
            (Self.assessment(.security, .pass, date: "yesterday"), "date"),
            // 1 June at noon UTC is 2 June in Kiribati, but 3 June nowhere yet.
            (Self.assessment(.security, .pass, date: "2026-06-03"), "date"),
        ]
        for (assessment, field) in cases {
            let before = app
            #expect(Self.validationError { try app.record(assessment, at: Self.now) }?.field == field, "\(assessment)")
            #expect(app == before)
        }
        var long = Self.assessment(.security, .pass)
        long.notes = String(repeating: "n", count: 2_001)
        #expect(Self.validationError { try app.record(long, at: Self.now) }?.field == "notes")
        long.notes = String(repeating: "n", count: 2_000)
        #expect(try !app.record(long, at: Self.now))
    }

    @Test func anAppKeepsAtMostTheMaximumOfAssessments() throws {
        var app = try Self.assessedApp()
        for _ in 4..<CatalogApp.maximumAssessments { try app.record(Self.assessment(.operability, .pass), at: Self.now) }
        try app.setPHIApproval(true, at: Self.now)
        let full = app
        #expect(Self.validationError { try app.record(Self.assessment(.security, .fail), at: Self.now) }?.field
            == "assessments")
        #expect(app == full)
        // Withdrawing the approval never depends on room for another assessment.
        try app.setPHIApproval(false, at: Self.now)
        #expect(!app.approvedForPHI)
    }

    @Test func theLatestAssessmentIsTheLatestDatedThenTheLastRecorded() throws {
        var app = try Self.app()
        try app.record(Self.assessment(.security, .pass, date: "2026-04-01"), at: Self.now)
        // Recorded later but dated earlier: not the latest.
        try app.record(Self.assessment(.security, .fail, date: "2026-03-01"), at: Self.now)
        #expect(app.latestAssessments[.security]?.result == .pass)
        // The same date as the latest: the one recorded last wins.
        try app.record(Self.assessment(.security, .fail, date: "2026-04-01"), at: Self.now)
        #expect(app.latestAssessments[.security]?.result == .fail)
        try app.record(Self.assessment(.security, .pass, date: "2026-04-01", reviewer: "Second look"), at: Self.now)
        #expect(app.latestAssessments[.security]?.reviewer == "Second look")
        #expect(app.latestAssessments.keys.sorted { $0.rawValue < $1.rawValue } == [.security])
    }

    // MARK: - Approval for PHI

    @Test func approvalNamesTheAreasNeverAssessed() throws {
        var app = try Self.app()
        try app.record(Self.assessment(.operability, .pass), at: Self.now)
        try app.record(Self.assessment(.security, .pass), at: Self.now)
        let before = app
        let error = try #require(Self.validationError { try app.setPHIApproval(true, at: Self.now) })
        #expect(error.field == "approved")
        #expect(error.message.contains("not assessed: privacy, content_accuracy"))
        #expect(!error.message.contains("failed"))
        #expect(app == before)
        #expect(app.assessmentGaps == AssessmentGaps(missing: [.privacy, .contentAccuracy]))
    }

    @Test func approvalNamesTheAreasWhoseLatestAssessmentFailed() throws {
        var app = try Self.app()
        for area in AssessmentArea.allCases { try app.record(Self.assessment(area, .pass, date: "2026-05-01"), at: Self.now) }
        try app.record(Self.assessment(.privacy, .fail, date: "2026-05-10"), at: Self.now)
        try app.record(Self.assessment(.contentAccuracy, .fail, date: "2026-05-10"), at: Self.now)
        let error = try #require(Self.validationError { try app.setPHIApproval(true, at: Self.now) })
        #expect(error.field == "approved")
        #expect(error.message.contains("failed: privacy, content_accuracy"))
        #expect(!error.message.contains("not assessed"))
        #expect(!app.approvedForPHI)
        // Both kinds of gap at once are both named.
        var fresh = try Self.app()
        try fresh.record(Self.assessment(.security, .fail), at: Self.now)
        #expect(fresh.assessmentGaps == AssessmentGaps(missing: [.operability, .privacy, .contentAccuracy], failed: [.security]))
        #expect(fresh.assessmentGaps.description == "not assessed: operability, privacy, content_accuracy; failed: security")
        // A newer pass clears a failure.
        try app.record(Self.assessment(.privacy, .pass, date: "2026-05-11"), at: Self.now)
        try app.record(Self.assessment(.contentAccuracy, .pass, date: "2026-05-11"), at: Self.now)
        try app.setPHIApproval(true, at: Self.now)
        #expect(app.approvedForPHI)
    }

    @Test func anAppThatPassedEveryAreaCanBeApprovedAndWithdrawn() throws {
        var app = try Self.assessedApp()
        #expect(app.assessmentGaps.isEmpty)
        let later = Self.now.addingTimeInterval(30)
        try app.setPHIApproval(true, at: later)
        #expect(app.approvedForPHI && app.version == 6 && app.updatedAt == later)
        try app.setPHIApproval(false, at: later)
        #expect(!app.approvedForPHI && app.version == 7)
    }

    @Test func anAppThatDoesNotHandlePHICannotBeApproved() throws {
        var app = try Self.app(handlesPHI: false)
        for area in AssessmentArea.allCases { try app.record(Self.assessment(area, .pass), at: Self.now) }
        let error = try #require(Self.validationError { try app.setPHIApproval(true, at: Self.now) })
        #expect(error.field == "approved" && error.message.contains("does not handle PHI"))
        #expect(!app.approvedForPHI)
    }

    @Test func aFailingAssessmentWithdrawsTheApprovalAndSaysSo() throws {
        var app = try Self.assessedApp()
        try app.setPHIApproval(true, at: Self.now)
        #expect(try !app.record(Self.assessment(.security, .pass), at: Self.now))
        #expect(app.approvedForPHI)
        // Even a failure dated before the latest pass withdraws it: a reviewer found a problem.
        #expect(try app.record(Self.assessment(.security, .fail, date: "2026-01-01"), at: Self.now))
        #expect(!app.approvedForPHI)
        // Once withdrawn, another failure withdraws nothing more.
        #expect(try !app.record(Self.assessment(.privacy, .fail), at: Self.now))
        // The backdated failure is not the latest security assessment, so the app may be approved
        // again once privacy passes anew.
        try app.record(Self.assessment(.privacy, .pass, date: "2026-05-21"), at: Self.now)
        try app.setPHIApproval(true, at: Self.now)
        #expect(app.approvedForPHI)
    }

    @Test func ceasingToHandlePHIWithdrawsTheApproval() throws {
        var app = try Self.assessedApp()
        try app.setPHIApproval(true, at: Self.now)
        #expect(try app.replace(with: CatalogAppDraft(name: "Mercy EHR", handlesPHI: false), at: Self.now))
        #expect(!app.approvedForPHI && !app.handlesPHI)
        // Handling PHI again does not bring the approval back.
        #expect(try !app.replace(with: CatalogAppDraft(name: "Mercy EHR", handlesPHI: true), at: Self.now))
        #expect(!app.approvedForPHI)
    }

    // MARK: - Scope

    @Test func anAppAppliesToDevicesOfItsPlatformsAndOwnerships() throws {
        func device(_ platform: Platform, _ ownership: Ownership) -> Device {
            Device(
                id: .generate(at: Self.now), personID: .generate(at: Self.now), facilityID: nil,
                invitationID: .generate(at: Self.now), ownership: ownership, deviceClass: .phone, medicalKind: nil,
                platform: platform, model: "Phone", osVersion: "1", hardwareID: nil, name: nil, publicKey: "k",
                approval: .approved, enrolledAt: Self.now, updatedAt: Self.now)
        }
        var app = try Self.app()
        for platform in Platform.allCases {
            for ownership in Ownership.allCases {
                #expect(app.applies(to: device(platform, ownership)), "an empty scope is every device")
            }
        }
        try app.replace(
            with: CatalogAppDraft(name: "Mercy EHR", platforms: [.ios, .ipados], ownerships: [.byod, .corporate], handlesPHI: true),
            at: Self.now)
        for platform in Platform.allCases {
            for ownership in Ownership.allCases {
                let expected = [.ios, .ipados].contains(platform) && [.byod, .corporate].contains(ownership)
                #expect(app.applies(to: device(platform, ownership)) == expected, "\(platform) \(ownership)")
            }
        }
        try app.replace(with: CatalogAppDraft(name: "Mercy EHR", platforms: [.android], handlesPHI: true), at: Self.now)
        #expect(app.applies(to: device(.android, .patientOwned)))
        #expect(!app.applies(to: device(.ios, .patientOwned)))
    }

    // MARK: - Stored form

    @Test func setsAreEncodedAsSortedArraysAndTheEntryRoundTrips() throws {
        var app = try CatalogApp.create(
            id: "org.mercy.ehr",
            from: CatalogAppDraft(
                name: "Mercy EHR", platforms: [.windows, .android, .ios], ownerships: [.patientOwned, .byod],
                handlesPHI: true),
            at: Self.now)
        try app.record(Self.assessment(.contentAccuracy, .fail), at: Self.now)
        let data = try VigilJSON.makeEncoder().encode(app)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["platforms"] as? [String] == ["android", "ios", "windows"])
        #expect(object["ownerships"] as? [String] == ["byod", "patient_owned"])
        let assessments = try #require(object["assessments"] as? [[String: Any]])
        #expect(assessments.first?["area"] as? String == "content_accuracy")
        #expect(assessments.first?["result"] as? String == "fail")
        #expect(object["handlesPHI"] as? Bool == true && object["approvedForPHI"] as? Bool == false)
        #expect(object["version"] as? Int == 2)
        #expect(try VigilJSON.makeDecoder().decode(CatalogApp.self, from: data) == app)
        // Encoding twice gives the same bytes: the sets' order never leaks.
        #expect(try VigilJSON.makeEncoder().encode(app) == data)
    }

    // MARK: - The access decision

    @Test func theSensitivityOfAnAppComesFromItsCatalogEntry() throws {
        #expect(AppSensitivity(catalogEntry: nil) == .phi)
        #expect(AppSensitivity(catalogEntry: try Self.app(handlesPHI: false)) == .nonPHI)
        #expect(AppSensitivity(catalogEntry: try Self.app()) == .unapprovedPHI)
        var approved = try Self.assessedApp()
        try approved.setPHIApproval(true, at: Self.now)
        #expect(AppSensitivity(catalogEntry: approved) == .phi)
        #expect(AppSensitivity.unapprovedPHI.rawValue == "unapproved_phi")
    }

    @Test func anUnapprovedPHIAppIsDeniedWhateverElseHolds() throws {
        let inputs = AccessInputs(
            approval: .approved, custody: .inService, personStatus: .active, compliance: .compliant,
            agreement: .accepted, place: .inside, shift: .onShift, app: AppSensitivity(catalogEntry: try Self.app()),
            emergency: .active)
        let decision = AccessDecision.decide(inputs)
        #expect(decision.summary == "denied: app_not_approved")
        #expect(decision.denialReasons.first?.message == "The app handles PHI but is not approved for PHI.")
    }
}
