import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Agreements, acceptances and the BYOD settings behave the same on every backend.
@Suite struct AgreementConformanceTests {
    static func agreement(_ name: String = "acceptable-use", version: Int = 1, text: String = "Keep PHI in managed apps.",
                          at time: Date) -> Agreement {
        Agreement(
            id: .generate(at: time), name: name, version: version, kind: .acceptableUse, title: "Acceptable use",
            text: text, effectiveAt: time, graceDays: 7, audience: AgreementAudience(roles: [.clinician], affiliations: [.employee]),
            publishedAt: time)
    }

    @Test(arguments: StoreBackend.available)
    func versionsRoundTripAndAreNeverPublishedTwice(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            #expect(try await store.agreements() == [])
            let first = Self.agreement(at: time)
            let privacy = Self.agreement("privacy", at: time)
            try await store.publishAgreement(first, audit: Fixtures.audit(.agreementPublished))
            try await store.publishAgreement(privacy, audit: Fixtures.audit(.agreementPublished))
            let second = Self.agreement(version: 2, text: "Version two.", at: time.addingTimeInterval(1))
            try await store.publishAgreement(second, audit: Fixtures.audit(.agreementPublished))
            #expect(try await store.agreements() == [first, second, privacy])
            #expect(try await store.agreement(id: second.id) == second)
            #expect(try await store.agreement(id: .generate(at: time)) == nil)
            let before = try await store.auditEvents(AuditEventFilter(action: .agreementPublished), .first).items.count
            await #expect(throws: StoreError.self) {
                try await store.publishAgreement(
                    Self.agreement(version: 2, text: "Racing.", at: time), audit: Fixtures.audit(.agreementPublished))
            }
            #expect(try await store.auditEvents(AuditEventFilter(action: .agreementPublished), .first).items.count == before)
        }
    }

    @Test(arguments: StoreBackend.available)
    func acceptancesReachTheEvaluationSubjectAndAreRecordedOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let nurse = Fixtures.person(.clinician)
            let phone = try await Fixtures.enrollDevice(for: nurse, ownership: .byod, in: store, at: time).device
            let v1 = Self.agreement(at: time)
            let v2 = Self.agreement(version: 2, text: "Two.", at: time)
            try await store.publishAgreement(v1, audit: Fixtures.audit())
            try await store.publishAgreement(v2, audit: Fixtures.audit())
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time)?.acceptedAgreements == AcceptedAgreements())
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time)?.affiliation == .employee)

            func acceptance(_ agreement: Agreement, at when: Date) -> AgreementAcceptance {
                AgreementAcceptance(
                    id: .generate(at: when), agreementID: agreement.id, name: agreement.name, version: agreement.version,
                    sha256: agreement.sha256, personID: nurse.id, deviceID: phone.id, acceptedAt: when)
            }
            let second = acceptance(v2, at: time)
            #expect(try await store.acceptAgreement(second, audit: Fixtures.audit(.agreementAccepted)) == second)
            // An older version accepted later does not lower what counts.
            let first = acceptance(v1, at: time.addingTimeInterval(1))
            #expect(try await store.acceptAgreement(first, audit: Fixtures.audit(.agreementAccepted)) == first)
            let again = acceptance(v2, at: time.addingTimeInterval(2))
            #expect(try await store.acceptAgreement(again, audit: Fixtures.audit(.agreementAccepted)) == second)
            #expect(try await store.auditEvents(AuditEventFilter(action: .agreementAccepted), .first).items.count == 2)
            let subject = try #require(try await store.evaluationSubject(deviceID: phone.id, at: time))
            #expect(subject.acceptedAgreements == AcceptedAgreements(["acceptable-use": 2]))
            let paged = try await store.evaluationSubjects(after: nil, limit: 10, at: time)
            #expect(paged.first { $0.device.id == phone.id }?.acceptedAgreements == subject.acceptedAgreements)

            let listed = try await store.acceptances(agreementID: nil, personID: nurse.id, try PageRequest(limit: 1))
            #expect(listed.items == [first] && listed.nextAfter == first.id.rawValue)
            let rest = try await store.acceptances(
                agreementID: nil, personID: nurse.id, try PageRequest(limit: 1, after: listed.nextAfter))
            #expect(rest.items == [second] && rest.nextAfter == nil)
            #expect(try await store.acceptances(agreementID: v1.id, personID: nil, .first).items == [first])

            let holders = try await store.personalDeviceHolders()
            #expect(holders.map(\.personID) == [nurse.id])
            #expect(holders.first?.accepted == subject.acceptedAgreements)
            #expect(holders.first?.devices == 1 && holders.first?.roles == [.clinician])
        }
    }

    @Test(arguments: StoreBackend.available)
    func settingsStartAsDefaultsAndChangeOnlyFromTheVersionRead(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.byodSettings() == BYODSettings())
            var settings = BYODSettings(
                byodApproval: ApprovalRules(autoApprove: true, allowedPlatforms: [.ios], maximumDevicesPerPerson: 2),
                collection: CollectionMatrix([.byod: [.deviceName: .hidden]]), version: 1)
            try await store.saveBYODSettings(settings, replacingVersion: 0, audit: Fixtures.audit(.byodSettingsUpdated))
            #expect(try await store.byodSettings() == settings)
            await #expect(throws: StoreError.self) {
                try await store.saveBYODSettings(settings, replacingVersion: 0, audit: Fixtures.audit(.byodSettingsUpdated))
            }
            settings.version = 2
            settings.patientOwnedApproval.blockedModels = ["Old*"]
            await #expect(throws: StoreError.self) {
                try await store.saveBYODSettings(settings, replacingVersion: 5, audit: Fixtures.audit(.byodSettingsUpdated))
            }
            try await store.saveBYODSettings(settings, replacingVersion: 1, audit: Fixtures.audit(.byodSettingsUpdated))
            #expect(try await store.byodSettings() == settings)
            #expect(try await store.auditEvents(AuditEventFilter(action: .byodSettingsUpdated), .first).items.count == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func fieldsTheMatrixStopsCollectingAreErasedFromEveryDeviceOfThatOwnership(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let nurse = Fixtures.person(.clinician)
            let corporate = try await Fixtures.enrollDevice(for: nurse, hardwareID: "SN-ERASE-1", in: store, at: time).device
            let shared = try await Fixtures.enrollDevice(
                for: nurse, ownership: .shared, hardwareID: "SN-KEEP-2", in: store, at: time).device
            var posture = Posture(osVersion: "17.5", agentVersion: "0.1.0")
            posture.location = PostureLocation(
                latitude: 41.88, longitude: -87.63, horizontalAccuracyMeters: 12, recordedAt: time)
            posture.personalApps = ["com.example.game"]
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: corporate.id, posture: posture, at: time),
                DeviceCheckIn(deviceID: shared.id, posture: posture, at: time),
            ])
            let tightened = BYODSettings(
                collection: CollectionMatrix([.corporate: [.serialNumber: .never, .preciseLocation: .never]]), version: 1)
            try await store.saveBYODSettings(tightened, replacingVersion: 0, audit: Fixtures.audit(.byodSettingsUpdated))

            let erased = try #require(try await store.device(id: corporate.id))
            #expect(erased.hardwareID == nil && erased.posture?.location == nil)
            #expect(erased.posture?.personalApps == ["com.example.game"], "only the fields no longer collected go")
            let history = try await store.postureHistory(deviceID: corporate.id, .first).items
            #expect(!history.isEmpty && history.allSatisfy { $0.posture.location == nil })
            let kept = try #require(try await store.device(id: shared.id))
            #expect(kept.hardwareID == "SN-KEEP-2" && kept.posture?.location != nil, "other ownerships keep theirs")
        }
    }

    @Test(arguments: StoreBackend.available)
    func enrollmentCountsThePersonsPersonalDevicesInService(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let nurse = Fixtures.person(.clinician)
            _ = try await Fixtures.enrollDevice(for: nurse, ownership: .byod, in: store)
            _ = try await Fixtures.enrollDevice(for: nurse, ownership: .corporate, in: store)
            let (invitation, code) = Fixtures.invitation(for: nurse, ownership: .byod, deviceClass: .tablet, at: Fixtures.now)
            try await store.createInvitation(invitation, codeHash: code.hash, audit: Fixtures.audit())
            let seen = try await Self.enrollingPerson(store, codeHash: code.hash)
            #expect(seen == EnrollingPerson(status: .active, personalDevicesInService: 1))
        }
    }

    /// The person `enrollDevice` hands to its admission rule.
    static func enrollingPerson(_ store: any VigilStore, codeHash: String) async throws -> EnrollingPerson? {
        struct Seen: Error { let person: EnrollingPerson? }
        do {
            _ = try await store.enrollDevice(
                codeHash: codeHash, admit: { _, person in throw Seen(person: person) }, audit: { _ in Fixtures.audit() })
        } catch let seen as Seen {
            return seen.person
        }
        return nil
    }
}
