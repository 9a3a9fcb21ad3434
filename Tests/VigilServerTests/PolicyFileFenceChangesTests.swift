import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

@testable import VigilServer

/// What applying a policy file's `fences:` changes (fences created, reshaped at the version read,
/// those left out only reported), what exporting writes, and the demo hospital's fences.
@Suite struct PolicyFileFenceChangesTests {
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    static func facility(_ name: String) -> Facility {
        Facility(id: .generate(at: now), name: name, address: "Springfield, IL", timeZone: "America/Chicago", createdAt: now, updatedAt: now)
    }

    static let mercy = facility("Mercy General Hospital")
    static let lakeside = facility("Lakeside Outpatient Clinic")
    static let facilities = [mercy, lakeside]

    static func example() throws -> PolicyFile { try PolicyFile.parse(try PolicyFileTests.exampleFile()) }

    /// The server's fences after applying `changes` to `fences`, as `vigil policy apply` would.
    static func applied(_ changes: PlaceChanges, to fences: [PolicyFile.ServerFence]) -> [PolicyFile.ServerFence] {
        var result = fences
        for change in changes.fences {
            if let current = change.current, let index = result.firstIndex(where: { $0.id == current.id }) {
                result[index].draft = change.entry.draft
                result[index].version += 1
            } else {
                result.append(PolicyFile.ServerFence(change.entry.draft.fence(of: change.facilityID, at: now)))
            }
        }
        return result
    }

    @Test func everyFenceOfTheExampleIsNewToAServerWithItsFacilities() throws {
        let changes = try PlaceChanges(file: try Self.example(), facilities: Self.facilities, fences: [])
        #expect(changes.fences.map(\.entry.draft.name) == ["Main campus", "Clinic"])
        #expect(changes.fences.map(\.facilityID) == [Self.mercy.id, Self.lakeside.id])
        #expect(changes.fences.allSatisfy { $0.current == nil && $0.version == 1 })
        #expect(changes.notes.isEmpty && !changes.isEmpty)
    }

    @Test func theSameFileAgainAndItsExportChangeNothing() throws {
        let file = try Self.example()
        let fences = Self.applied(try PlaceChanges(file: file, facilities: Self.facilities, fences: []), to: [])
        let again = try PlaceChanges(file: file, facilities: Self.facilities, fences: fences)
        #expect(again.isEmpty && again.notes.isEmpty)

        let exported = PolicyFile(fences: try PolicyFile.fences(inForce: fences, facilities: Self.facilities))
        #expect(exported.fences?.map(\.facility) == ["Lakeside Outpatient Clinic", "Mercy General Hospital"], "by name")
        #expect(exported.fences.map { Array($0.reversed()) } == file.fences)
        let reread = try PolicyFile.parse(exported.yaml())
        #expect(reread == exported)
        let fromExport = try PlaceChanges(file: reread, facilities: Self.facilities, fences: fences)
        #expect(fromExport.isEmpty && fromExport.notes.isEmpty)
    }

    @Test func aReshapedFenceIsUpdatedAtTheVersionRead() throws {
        var file = try Self.example()
        var fences = Self.applied(try PlaceChanges(file: file, facilities: Self.facilities, fences: []), to: [])
        fences[1].version = 4
        file.fences?[1].draft.shape = .circle(center: GeoPoint(latitude: 39.7905, longitude: -89.639), radiusMeters: 200)
        let changes = try PlaceChanges(file: file, facilities: Self.facilities, fences: fences)
        #expect(changes.fences.count == 1)
        #expect(changes.fences.first?.current == fences[1])
        #expect(changes.fences.first?.entry == file.fences?[1])
        #expect(changes.fences.first?.version == 5)
    }

    @Test func aRenamedFenceIsANewOneAndTheOldIsOnlyReported() throws {
        var file = try Self.example()
        let fences = Self.applied(try PlaceChanges(file: file, facilities: Self.facilities, fences: []), to: [])
        file.fences?[0].draft.name = "Campus"
        let changes = try PlaceChanges(file: file, facilities: Self.facilities, fences: fences)
        #expect(changes.fences.map(\.entry.draft.name) == ["Campus"])
        #expect(changes.fences.first?.current == nil)
        #expect(changes.notes == [.fenceNotInFile(facility: "Mercy General Hospital", name: "Main campus", id: fences[0].id, version: 1)])
        #expect(
            changes.notes.first?.description
                == "fence 'Main campus' of Mercy General Hospital (version 1) is on the server but not in the file; "
                + "it is kept (remove it with DELETE /api/v1/fences/\(fences[0].id))")
    }

    @Test func aFileWithoutFencesLeavesTheServersAlone() throws {
        let fences = Self.applied(try PlaceChanges(file: try Self.example(), facilities: Self.facilities, fences: []), to: [])
        let changes = try PlaceChanges(file: PolicyFile(), facilities: Self.facilities, fences: fences)
        #expect(changes.isEmpty && changes.notes.isEmpty)
    }

    @Test func aFacilityTheServerDoesNotHaveStopsTheFileAtItsLine() throws {
        var text = try PolicyFileTests.exampleFile()
        text = text.replacingOccurrences(of: "  - facility: Lakeside Outpatient Clinic", with: "  - facility: Mercy West")
        let error = try #require(throws: PolicyFileError.self) {
            try PlaceChanges(file: try PolicyFile.parse(text), facilities: Self.facilities, fences: [])
        }
        #expect(error.field == "fences[1].facility")
        #expect(
            error.message
                == "'Mercy West' is not a facility of the server; its facilities are 'Lakeside Outpatient Clinic', 'Mercy General Hospital'")
        let line = try #require(text.components(separatedBy: "\n").firstIndex(of: "  - facility: Mercy West")) + 1
        #expect(PolicyFile.line(of: error.field, in: text) == line)

        let none = try #require(throws: PolicyFileError.self) {
            try PlaceChanges(file: try Self.example(), facilities: [], fences: [])
        }
        #expect(none.message == "'Mercy General Hospital' is not a facility of the server, which has none yet")
    }

    @Test func aNameTheServerCannotResolveStopsTheFile() throws {
        let twin = Self.facility("Mercy General Hospital")
        let shared = try #require(throws: PolicyFileError.self) {
            try PlaceChanges(file: try Self.example(), facilities: Self.facilities + [twin], fences: [])
        }
        #expect(shared.field == "fences[0].facility")
        #expect(shared.message.hasPrefix("is the name of 2 facilities ("), "\(shared)")

        let file = try Self.example()
        let clinic = try #require(file.fences?[1].draft)
        let doubled = [clinic, clinic].map { PolicyFile.ServerFence($0.fence(of: Self.lakeside.id, at: Self.now)) }
        let twice = try #require(throws: PolicyFileError.self) {
            try PlaceChanges(file: file, facilities: Self.facilities, fences: doubled)
        }
        #expect(twice.field == "fences[1].name")
        #expect(twice.message.hasPrefix("is the name of 2 fences of Lakeside Outpatient Clinic on the server"), "\(twice)")
    }

    @Test func exportRefusesWhatAFileCouldNotName() throws {
        let file = try Self.example()
        let fences = Self.applied(try PlaceChanges(file: file, facilities: Self.facilities, fences: []), to: [])
        let twin = Self.facility("Lakeside Outpatient Clinic")
        let shared = try #require(throws: PolicyFileError.self) {
            try PolicyFile.fences(inForce: fences, facilities: Self.facilities + [twin])
        }
        #expect(shared.message.contains("2 facilities are named 'Lakeside Outpatient Clinic'"), "\(shared)")
        #expect(shared.message.contains(twin.id.rawValue) && shared.message.contains(Self.lakeside.id.rawValue))
        // A facility that shares its name but has no fence leaves the file unambiguous.
        let annexes = [Self.facility("Annex"), Self.facility("Annex")]
        #expect(try PolicyFile.fences(inForce: fences, facilities: Self.facilities + annexes).count == 2)

        let copy = PolicyFile.ServerFence(fences[0].draft.fence(of: Self.mercy.id, at: Self.now))
        let twice = try #require(throws: PolicyFileError.self) {
            try PolicyFile.fences(inForce: fences + [copy], facilities: Self.facilities)
        }
        #expect(twice.message.contains("has its name, 'Main campus'"), "\(twice)")
    }

    @Test func aFenceReadsBackFromTheFeatureTheAPIWrites() throws {
        let draft = try #require(try Self.example().fences?[0].draft)
        var fence = draft.fence(of: Self.mercy.id, at: Self.now)
        fence.version = 3
        #expect(try PolicyFile.ServerFence(feature: fence.feature) == PolicyFile.ServerFence(fence))
        var anonymous = fence.feature
        anonymous.properties["version"] = nil
        #expect(throws: ValidationError(field: "properties.version", message: "must be a whole number from 1")) {
            try PolicyFile.ServerFence(feature: anonymous)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theDemoHospitalLoadsItsFences(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (seed, _) = DemoHospital.records(at: Self.now, includeAdministrator: false)
            try await store.loadSeed(
                seed, audit: AuditEventDraft(occurredAt: Self.now, actor: .system("test"), action: .demoLoaded, target: nil, outcome: .success))
            let file = try DemoHospital.file()
            let changes = try await DemoHospital.loadFences(file, into: store, at: Self.now)
            #expect(changes.fences.count == 2)
            let fences = try await store.fences(facilityID: nil)
            let names = Dictionary(seed.facilities.map { ($0.id, $0.name) }) { first, _ in first }
            #expect(
                Set(fences.map { "\(names[$0.facilityID] ?? "?"): \($0.name)" })
                    == ["Mercy General Hospital: Main campus", "Lakeside Outpatient Clinic: Clinic"])
            for entry in file.fences ?? [] {
                #expect(fences.contains { $0.name == entry.draft.name && $0.shape == entry.draft.shape }, "\(entry.draft.name)")
            }
            let events = try await store.auditEvents(AuditEventFilter(action: .fenceCreated), .first).items
            #expect(events.count == 2 && events.allSatisfy { $0.actor == .system("startup") })

            // Once loaded, the file is what the store has.
            let again = try PlaceChanges(
                file: file, facilities: seed.facilities, fences: fences.map(PolicyFile.ServerFence.init))
            #expect(again.isEmpty && again.notes.isEmpty)
        }
    }
}
