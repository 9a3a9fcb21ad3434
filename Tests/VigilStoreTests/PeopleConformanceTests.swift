import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// People and facilities behave the same on every backend.
@Suite struct PeopleConformanceTests {
    @Test(arguments: StoreBackend.available)
    func migratingTwiceChangesNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let person = Fixtures.person(.clinician)
            try await store.createPerson(person, audit: Fixtures.audit())
            try await store.migrate()
            #expect(try await store.person(id: person.id) == person)
        }
    }

    @Test(arguments: StoreBackend.available)
    func personRoundTripsAndIsFoundByEmail(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            var person = Fixtures.person(.nurseManager, email: "grace@mercy.example", facilities: [facility.id])
            person.roles = [.nurseManager, .clinician]
            try await store.createPerson(person, audit: Fixtures.audit())
            #expect(try await store.person(id: person.id) == person)
            #expect(try await store.person(email: "GRACE@mercy.example") == person)
            #expect(try await store.person(id: PersonID(rawValue: "per_missing")) == nil)
            #expect(try await store.facility(id: facility.id) == facility)
        }
    }

    @Test(arguments: StoreBackend.available)
    func duplicateEmailIsAConflictAndWritesNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.createPerson(Fixtures.person(.clinician, email: "same@x.example"), audit: Fixtures.audit())
            let before = try await store.auditEvents(AuditEventFilter(), .first).items.count
            await #expect(throws: StoreError.conflict("a person with this email exists already")) {
                try await store.createPerson(
                    Fixtures.person(.auditor, email: "same@x.example"), audit: Fixtures.audit("second"))
            }
            #expect(try await store.people(.first).items.count == 1)
            #expect(try await store.auditEvents(AuditEventFilter(), .first).items.count == before)
        }
    }

    @Test(arguments: StoreBackend.available)
    func unknownFacilityIsRefusedAndWritesNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let person = Fixtures.person(.clinician, facilities: [FacilityID(rawValue: "fac_nowhere")])
            await #expect(throws: StoreError.unknownReference(field: "facilityIDs", id: "fac_nowhere")) {
                try await store.createPerson(person, audit: Fixtures.audit())
            }
            let stored = try await store.person(id: person.id)
            let events = try await store.auditEvents(AuditEventFilter(), .first).items
            #expect(stored == nil)
            #expect(events.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func updateAppliesTheChangeAndAuditsIt(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let person = Fixtures.person(.clinician)
            try await store.createPerson(person, audit: Fixtures.audit())
            let changed = try await store.updatePerson(id: person.id, audit: Fixtures.audit("person.update")) {
                $0.status = .suspended
                $0.name = "Renamed"
            }
            #expect(changed.status == .suspended)
            #expect(try await store.person(id: person.id) == changed)
            let events = try await store.auditEvents(AuditEventFilter(action: "person.update"), .first)
            #expect(events.items.count == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func failedUpdateLeavesNothingBehind(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let person = Fixtures.person(.clinician)
            let other = Fixtures.person(.auditor)
            try await store.createPerson(person, audit: Fixtures.audit())
            try await store.createPerson(other, audit: Fixtures.audit())
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await store.updatePerson(id: person.id, audit: Fixtures.audit("person.update")) {
                    $0.name = "Half written"
                    throw Refused()
                }
            }
            await #expect(throws: StoreError.conflict("a person with this email exists already")) {
                try await store.updatePerson(id: person.id, audit: Fixtures.audit("person.update")) {
                    $0.email = other.email
                }
            }
            await #expect(throws: StoreError.notFound("person per_missing")) {
                try await store.updatePerson(id: PersonID(rawValue: "per_missing"), audit: Fixtures.audit()) { _ in }
            }
            #expect(try await store.person(id: person.id) == person)
            #expect(try await store.auditEvents(AuditEventFilter(action: "person.update"), .first).items.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func listsPageInCreationOrder(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Fixtures.now
            var created: [Person] = []
            for index in 0..<5 {
                let person = Fixtures.person(.clinician, at: start.addingTimeInterval(Double(index)))
                try await store.createPerson(person, audit: Fixtures.audit())
                created.append(person)
            }
            var seen: [Person] = []
            var page = try PageRequest(limit: 2)
            while true {
                let result = try await store.people(page)
                #expect(result.items.count <= 2)
                seen += result.items
                guard let next = result.nextAfter else { break }
                page = try PageRequest(limit: 2, after: next)
            }
            #expect(seen == created)
        }
    }

    @Test(arguments: StoreBackend.available)
    func facilitiesUpdateAndList(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = Fixtures.facility("First")
            let second = Fixtures.facility("Second", at: first.createdAt.addingTimeInterval(1))
            try await store.createFacility(first, audit: Fixtures.audit())
            try await store.createFacility(second, audit: Fixtures.audit())
            let renamed = try await store.updateFacility(id: first.id, audit: Fixtures.audit("facility.update")) {
                $0.timeZone = "Europe/Berlin"
            }
            #expect(try await store.facility(id: first.id) == renamed)
            #expect(try await store.facilities(.first).items.map(\.id) == [first.id, second.id])
            await #expect(throws: StoreError.notFound("facility fac_missing")) {
                try await store.updateFacility(id: FacilityID(rawValue: "fac_missing"), audit: Fixtures.audit()) { _ in }
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func theLastActiveAdministratorCannotBeSuspendedOrDemoted(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await !store.administratorExists())
            try await store.createPerson(Fixtures.person(.securityOfficer), audit: Fixtures.audit())
            #expect(try await !store.administratorExists())
            let first = Fixtures.person(.admin)
            try await store.createPerson(first, audit: Fixtures.audit())
            #expect(try await store.administratorExists())
            for change: @Sendable (inout Person) -> Void in [{ $0.status = .suspended }, { $0.roles = [.auditor] }] {
                await #expect(throws: StoreError.lastAdministrator) {
                    try await store.updatePerson(id: first.id, audit: Fixtures.audit("person.update"), change)
                }
            }
            #expect(try await store.person(id: first.id) == first)
            let second = Fixtures.person(.admin)
            try await store.createPerson(second, audit: Fixtures.audit())
            _ = try await store.updatePerson(id: first.id, audit: Fixtures.audit()) { $0.status = .suspended }
            #expect(try await store.administratorExists())
            await #expect(throws: StoreError.lastAdministrator) {
                try await store.updatePerson(id: second.id, audit: Fixtures.audit()) { $0.status = .suspended }
            }
            // Renaming the last administrator is fine.
            _ = try await store.updatePerson(id: second.id, audit: Fixtures.audit()) { $0.name = "Renamed" }
        }
    }
}
