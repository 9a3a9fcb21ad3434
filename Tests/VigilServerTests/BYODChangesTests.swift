import Foundation
import Testing
import VigilCore
import VigilServer

/// What applying a policy file's BYOD sections changes: documents published as next versions,
/// settings replaced section by section, apps created or updated, and what is only reported.
@Suite struct BYODChangesTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    static func example() throws -> PolicyFile { try PolicyFile.parse(try PolicyFileTests.exampleFile()) }

    /// The configuration a server holds after applying `file` at `now`, as `vigil policy apply` would.
    static func applied(_ file: PolicyFile) throws -> (agreements: [Agreement], settings: BYODSettings, apps: [CatalogApp]) {
        let changes = try BYODChanges(file: file, agreements: [], settings: BYODSettings(), apps: [], at: now)
        let agreements = try changes.publications.map { try Agreement.publish($0.draft, previous: $0.previous, at: now) }
        var settings = changes.settings?.desired ?? BYODSettings()
        settings.version = 1
        let apps = try changes.apps.map { try CatalogApp.create(id: $0.app.id, from: $0.app.draft, at: now) }
        return (agreements, settings, apps)
    }

    @Test func everythingOfTheExampleIsNewToAnEmptyServer() throws {
        let file = try Self.example()
        let changes = try BYODChanges(file: file, agreements: [], settings: BYODSettings(), apps: [], at: Self.now)
        #expect(changes.publications.map(\.draft.name) == ["acceptable-use", "privacy"])
        #expect(changes.publications.map(\.version) == [1, 1])
        #expect(changes.settings?.current == BYODSettings())
        #expect(changes.settings?.desired.byodApproval == file.approvalRules?.byod)
        #expect(changes.settings?.desired.version == 0, "the replacement expects the version read")
        #expect(changes.apps.map(\.app.id) == ["org.hospital.ehr", "org.hospital.securechat", "org.hospital.parking"])
        #expect(changes.apps.allSatisfy { $0.current == nil })
        #expect(changes.notes.isEmpty)
    }

    @Test func theSameFileAgainChangesNothing() throws {
        let file = try Self.example()
        let state = try Self.applied(file)
        let later = Self.now.addingTimeInterval(86_400)
        let again = try BYODChanges(file: file, agreements: state.agreements, settings: state.settings, apps: state.apps, at: later)
        #expect(again.isEmpty)
        #expect(again.notes.isEmpty)

        // The export of that configuration changes nothing either.
        let exported = PolicyFile(
            inForce: file.policies, agreements: state.agreements, settings: state.settings, apps: state.apps, at: later)
        #expect(try PolicyFile.parse(exported.yaml()) == exported)
        let fromExport = try BYODChanges(
            file: exported, agreements: state.agreements, settings: state.settings, apps: state.apps, at: later)
        #expect(fromExport.isEmpty && fromExport.notes.isEmpty)
    }

    @Test func aChangedDocumentIsPublishedAsItsNextVersion() throws {
        var file = try Self.example()
        let state = try Self.applied(file)
        file.agreements?[0].text += "\nAdded rule.\n"
        file.agreements?[1].graceDays = 60
        file.agreements?.append(
            AgreementDraft(name: "telehealth", kind: .acceptableUse, title: "Telehealth", text: "Use video visits only.", graceDays: 14))
        let changes = try BYODChanges(
            file: file, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        #expect(changes.publications.map(\.draft.name) == ["acceptable-use", "telehealth"])
        #expect(changes.publications.map(\.version) == [2, 1])
        #expect(changes.publications[0].previous == state.agreements[0])
        #expect(changes.settings == nil && changes.apps.isEmpty)
        #expect(
            changes.notes == [.agreementTermsUnpublished(name: "privacy", version: 1, fields: ["graceDays"])],
            "a grace period alone cannot be published")

        let audience = try BYODChanges(
            file: { var file = try Self.example(); file.agreements?[1].audience = AgreementAudience(roles: [.patient]); return file }(),
            agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        #expect(audience.publications.map(\.draft.name) == ["privacy"], "a new audience is a new version")
    }

    @Test func aGracePeriodLeftOutOfTheFileIsNotReportedAsDiffering() throws {
        var file = try Self.example()
        var state = try Self.applied(file)
        // The document was published over the API with a grace period of its own.
        let published = state.agreements[0]
        state.agreements[0] = Agreement(
            id: published.id, name: published.name, version: published.version, kind: published.kind,
            title: published.title, text: published.text, effectiveAt: published.effectiveAt, graceDays: 30,
            audience: published.audience, publishedAt: published.publishedAt)
        file.agreements?[0].graceDays = nil
        let changes = try BYODChanges(
            file: file, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        #expect(changes.isEmpty && changes.notes.isEmpty)
    }

    @Test func aDocumentTheServerWouldRefuseStopsTheFile() throws {
        let state = try Self.applied(try Self.example())
        var kind = try Self.example()
        kind.agreements?[1].kind = .acceptableUse
        let error = try #require(throws: PolicyFileError.self) {
            try BYODChanges(file: kind, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        }
        #expect(error.field == "agreements[1].kind")
        #expect(error.message == "must stay privacy, the kind of privacy version 1")

        var past = try Self.example()
        past.agreements?[0].text = "New text."
        past.agreements?[0].effectiveAt = Self.now.addingTimeInterval(-86_400)
        let late = try #require(throws: PolicyFileError.self) {
            try BYODChanges(file: past, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        }
        #expect(late.field == "agreements[0].effectiveAt")
        #expect(late.message == "must not be in the past")
    }

    @Test func onlyTheSectionsOfTheFileAreManaged() throws {
        let state = try Self.applied(try Self.example())
        var matrix = CollectionMatrix([.byod: [.deviceName: .never]])
        let collectionOnly = PolicyFile(collection: matrix)
        let changes = try BYODChanges(
            file: collectionOnly, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        let settings = try #require(changes.settings)
        #expect(settings.desired.collection == matrix)
        #expect(settings.desired.byodApproval == state.settings.byodApproval, "approval rules not in the file stay")
        #expect(settings.desired.version == 1)
        #expect(changes.publications.isEmpty && changes.apps.isEmpty)
        #expect(changes.notes.isEmpty, "documents and apps are not compared without their sections")

        matrix = state.settings.collection
        #expect(try BYODChanges(
            file: PolicyFile(collection: matrix), agreements: [], settings: state.settings, apps: [], at: Self.now
        ).isEmpty)
        let nothing = try BYODChanges(
            file: PolicyFile(), agreements: state.agreements, settings: BYODSettings(), apps: state.apps, at: Self.now)
        #expect(nothing.isEmpty && nothing.notes.isEmpty)
    }

    @Test func publishedDocumentsAndCatalogAppsMissingFromTheFileAreReportedNotRemoved() throws {
        let state = try Self.applied(try Self.example())
        var file = try Self.example()
        file.agreements?.removeFirst()
        file.apps?.removeLast()
        file.apps?[0].draft.required = false
        let changes = try BYODChanges(
            file: file, agreements: state.agreements, settings: state.settings, apps: state.apps, at: Self.now)
        #expect(changes.publications.isEmpty)
        #expect(changes.apps.map(\.app.id) == ["org.hospital.ehr"])
        #expect(changes.apps.first?.current == state.apps[0])
        #expect(
            changes.notes == [
                .agreementNotInFile(name: "acceptable-use", version: 1), .appNotInFile(id: "org.hospital.parking", version: 1),
            ])
        #expect(changes.notes[0].description.contains("published versions are never removed"))
        #expect(changes.notes[1].description.contains("DELETE /api/v1/apps/org.hospital.parking?version=1"))
    }

    @Test func anUpcomingVersionIsExportedWithItsEffectiveDate() throws {
        let effective = Self.now.addingTimeInterval(7 * 86_400)
        let upcoming = try Agreement.publish(
            AgreementDraft(name: "privacy", kind: .privacy, title: "Privacy", text: "v1", effectiveAt: effective), previous: nil,
            at: Self.now)
        #expect(AgreementDraft(fileOf: upcoming, at: Self.now).effectiveAt == effective)
        #expect(AgreementDraft(fileOf: upcoming, at: effective).effectiveAt == nil, "in force: published changes take effect at once")
    }
}
