import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Fences, device places, location fixes, shifts and visits behave the same on every backend.
@Suite struct PlaceConformanceTests {
    static let circle = FenceShape.circle(center: GeoPoint(latitude: 41.88, longitude: -87.63), radiusMeters: 300)
    static let square = FenceShape.polygons([
        GeoPolygon(
            exterior: [
                GeoPoint(latitude: 41.0, longitude: -87.0), GeoPoint(latitude: 41.0, longitude: -86.99),
                GeoPoint(latitude: 41.01, longitude: -86.99), GeoPoint(latitude: 41.01, longitude: -87.0),
            ], holes: [])
    ])

    @Test(arguments: StoreBackend.available)
    func fencesAreCreatedChangedListedAndRemovedWithTheirShapes(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            let main = FenceDraft(name: "Main building", shape: Self.square).fence(of: facility.id, at: time)
            let garage = FenceDraft(name: "Garage", shape: Self.circle).fence(of: facility.id, at: time.addingTimeInterval(1))
            try await store.createFence(main, audit: Fixtures.audit())
            try await store.createFence(garage, audit: Fixtures.audit())
            #expect(try await store.fences(facilityID: facility.id) == [main, garage])
            #expect(try await store.fence(id: garage.id)?.shape == Self.circle)

            let renamed = try await store.updateFence(id: main.id, version: 1, audit: Fixtures.audit()) { $0.name = "Tower" }
            #expect(renamed.version == 2)
            #expect(try await store.fence(id: main.id)?.name == "Tower")
            await #expect(throws: StoreError.self) {
                try await store.updateFence(id: main.id, version: 1, audit: Fixtures.audit()) { $0.name = "Stale" }
            }
            try await store.deleteFence(id: garage.id, audit: Fixtures.audit())
            #expect(try await store.fences(facilityID: nil).map(\.id) == [main.id])
            await #expect(throws: StoreError.self) { try await store.deleteFence(id: garage.id, audit: Fixtures.audit()) }
            let orphan = FenceDraft(name: "Nowhere", shape: Self.circle).fence(of: FacilityID.generate(at: time), at: time)
            await #expect(throws: StoreError.unknownReference(field: "facilityID", id: orphan.facilityID.rawValue)) {
                try await store.createFence(orphan, audit: Fixtures.audit())
            }
        }
    }

    static func report(
        _ place: DevicePlace, of person: PersonID, replacing: Int64?, next: Date? = nil, transitions: [PlaceTransition] = [],
        fixes: [LocationFix] = [], at time: Date
    ) -> PlaceReport {
        PlaceReport(
            place: place, personID: person, replacesRevision: replacing, nextChange: next, transitions: transitions, fixesToKeep: fixes,
            receivedAt: time)
    }

    @Test(arguments: StoreBackend.available)
    func aPlaceIsWrittenOnlyOverTheRevisionItReplaces(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            #expect(try await store.devicePlace(deviceID: device.id) == nil)
            let facility = FacilityID(rawValue: "fac_x")
            let place = DevicePlace(
                deviceID: device.id, state: .inside, facilityID: facility, fenceID: FenceID(rawValue: "fen_x"),
                changedAt: time, lastFixAt: time, revision: 1)
            let entered = PlaceTransition(deviceID: device.id, from: nil, to: .inside, facilityID: facility, visitID: nil, at: time)
            #expect(try await store.recordPlaceReports([Self.report(place, of: device.personID, replacing: nil, transitions: [entered], at: time)]) == [true])
            #expect(try await store.devicePlace(deviceID: device.id) == place)
            // A second first write loses: another report wrote first.
            #expect(try await store.recordPlaceReports([Self.report(place, of: device.personID, replacing: nil, at: time)]) == [false])

            var outside = place
            outside.state = .outside
            outside.facilityID = nil
            outside.fenceID = nil
            outside.changedAt = time.addingTimeInterval(70)
            outside.lastFixAt = time.addingTimeInterval(70)
            outside.revision = 2
            let left = PlaceTransition(deviceID: device.id, from: .inside, to: .outside, facilityID: nil, visitID: nil, at: outside.changedAt)
            let written = try await store.recordPlaceReports([
                Self.report(outside, of: device.personID, replacing: 1, transitions: [left], at: time),
                Self.report(outside, of: device.personID, replacing: 1, at: time),
            ])
            #expect(written == [true, false])
            #expect(try await store.devicePlace(deviceID: device.id) == outside)

            let first = try await store.placeTransitions(deviceID: device.id, try PageRequest(limit: 1))
            #expect(first.items == [left])
            let second = try await store.placeTransitions(deviceID: device.id, try PageRequest(limit: 1, after: first.nextAfter))
            #expect(second.items == [entered])
            #expect(second.nextAfter == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func keptFixesAreListedNewestFirstAndPurgedByAge(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            let fixes = (0..<3).map { index in
                LocationFix(
                    latitude: 41.8781234, longitude: -87.6298765, accuracyMeters: 10, confidence: 0.95,
                    recordedAt: time.addingTimeInterval(Double(index) * -86_400 * 20), source: .gps)
            }
            let place = DevicePlace(deviceID: device.id, state: .unknown, changedAt: time, lastFixAt: time, revision: 1)
            #expect(try await store.recordPlaceReports([Self.report(place, of: device.personID, replacing: nil, fixes: fixes, at: time)]) == [true])
            let kept = try await store.locationFixes(deviceID: device.id, .first)
            #expect(kept.items.map(\.recordedAt) == fixes.map(\.recordedAt))
            #expect(abs((kept.items.first?.latitude ?? 0) - 41.8781234) < 1e-7)
            #expect(abs((kept.items.first?.longitude ?? 0) + 87.6298765) < 1e-7)
            #expect(kept.items.first?.accuracyMeters == 10)
            let paged = try await store.locationFixes(deviceID: device.id, try PageRequest(limit: 2))
            #expect(paged.items.count == 2)
            #expect(try await store.locationFixes(deviceID: device.id, try PageRequest(limit: 2, after: paged.nextAfter)).items.count == 1)
            #expect(try await store.purgeLocationFixes(recordedBefore: time.addingTimeInterval(-30 * 86_400)) == 1)
            #expect(try await store.locationFixes(deviceID: device.id, .first).items.count == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func placesDueForAChangeAreFoundAndRescheduled(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let (device, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), in: store)
            let place = DevicePlace(deviceID: device.id, state: .inside, changedAt: time, lastFixAt: time, revision: 1)
            _ = try await store.recordPlaceReports([Self.report(place, of: device.personID, replacing: nil, next: time.addingTimeInterval(60), at: time)])
            #expect(try await store.placesChanging(by: time.addingTimeInterval(59), limit: 10) == [])
            #expect(try await store.placesChanging(by: time.addingTimeInterval(60), limit: 10) == [place])
            try await store.rescheduleChanges([(place, nil)])
            #expect(try await store.placesChanging(by: time.addingTimeInterval(3_600), limit: 10) == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func shiftsAreListedInStartOrderWithinAWindow(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            let nurse = Fixtures.person(.clinician)
            try await store.createPerson(nurse, audit: Fixtures.audit())
            let shifts = try [8.0, 0, 16].map { hours in
                try ShiftDraft(
                    personID: nurse.id, facilityID: facility.id, unit: "4 West", startsAt: time.addingTimeInterval(hours * 3_600),
                    endsAt: time.addingTimeInterval((hours + 8) * 3_600)
                ).shift(at: time)
            }
            for shift in shifts { try await store.createShift(shift, audit: Fixtures.audit()) }
            let all = try await store.shifts(personID: nurse.id, from: nil, through: nil, .first)
            #expect(all.items.map(\.startsAt) == shifts.map(\.startsAt).sorted())
            #expect(all.items.first == shifts[1])
            let window = try await store.shifts(
                personID: nil, from: time.addingTimeInterval(9 * 3_600), through: time.addingTimeInterval(17 * 3_600), .first)
            #expect(window.items.map(\.id) == [shifts[0].id, shifts[2].id])
            let page = try await store.shifts(personID: nurse.id, from: nil, through: nil, try PageRequest(limit: 2))
            let rest = try await store.shifts(personID: nurse.id, from: nil, through: nil, try PageRequest(limit: 2, after: page.nextAfter))
            #expect((page.items + rest.items).map(\.id) == all.items.map(\.id))

            #expect(try await store.deleteShift(id: shifts[2].id, audit: Fixtures.audit()) == shifts[2])
            #expect(try await store.shift(id: shifts[2].id) == nil)
            let stranger = try ShiftDraft(
                personID: PersonID.generate(at: time), facilityID: facility.id, startsAt: time, endsAt: time.addingTimeInterval(60)
            ).shift(at: time)
            await #expect(throws: StoreError.unknownReference(field: "personID", id: stranger.personID.rawValue)) {
                try await store.createShift(stranger, audit: Fixtures.audit())
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func visitsInProgressAndScheduleChangesAreFound(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            let nurse = Fixtures.person(.clinician)
            let (phone, _) = try await Fixtures.enrollDevice(for: nurse, in: store)
            let visit = Visit(
                id: .generate(at: time), personID: nurse.id, patient: "Patient/123", place: Self.circle,
                startsAt: time.addingTimeInterval(600), endsAt: time.addingTimeInterval(3_600), createdAt: time)
            try await store.createVisit(visit, audit: Fixtures.audit())
            #expect(try await store.visit(id: visit.id) == visit)
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time.addingTimeInterval(599))?.visits == [])
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time.addingTimeInterval(600))?.visits == [visit])
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time.addingTimeInterval(3_600))?.visits == [])
            #expect(try await store.visits(personID: nurse.id, .first).items == [visit])

            let shift = try ShiftDraft(
                personID: nurse.id, facilityID: facility.id, startsAt: time.addingTimeInterval(7_200),
                endsAt: time.addingTimeInterval(10_800), graceBeforeMinutes: 10
            ).shift(at: time)
            try await store.createShift(shift, audit: Fixtures.audit())
            #expect(try await store.peopleWithScheduleChanges(after: time, through: time.addingTimeInterval(599)) == [])
            #expect(try await store.peopleWithScheduleChanges(after: time, through: time.addingTimeInterval(600)) == [nurse.id])
            #expect(
                try await store.peopleWithScheduleChanges(after: time.addingTimeInterval(3_600), through: time.addingTimeInterval(6_599)) == [])
            #expect(
                try await store.peopleWithScheduleChanges(after: time.addingTimeInterval(6_599), through: time.addingTimeInterval(6_600))
                    == [nurse.id])

            let cancelled = try await store.cancelVisit(id: visit.id, at: time.addingTimeInterval(700), audit: Fixtures.audit())
            #expect(cancelled.cancelledAt == time.addingTimeInterval(700))
            #expect(try await store.evaluationSubject(deviceID: phone.id, at: time.addingTimeInterval(900))?.visits == [])
            await #expect(throws: StoreError.self) {
                try await store.cancelVisit(id: visit.id, at: time, audit: Fixtures.audit())
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func evaluationSubjectsCarryTheirPersonsPlacesShiftsAndVisits(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            let nurse = Fixtures.person(.clinician)
            let (phone, _) = try await Fixtures.enrollDevice(for: nurse, in: store)
            let (tablet, _) = try await Fixtures.enrollDevice(for: nurse, deviceClass: .tablet, hardwareID: "SN-2", in: store)
            let (other, _) = try await Fixtures.enrollDevice(for: Fixtures.person(.clinician), hardwareID: "SN-3", in: store)
            let phonePlace = DevicePlace(deviceID: phone.id, state: .outside, changedAt: time, lastFixAt: time, revision: 1)
            let otherPlace = DevicePlace(deviceID: other.id, state: .inside, changedAt: time, lastFixAt: time, revision: 1)
            _ = try await store.recordPlaceReports([
                Self.report(phonePlace, of: phone.personID, replacing: nil, at: time), Self.report(otherPlace, of: other.personID, replacing: nil, at: time),
            ])
            let now = try ShiftDraft(
                personID: nurse.id, facilityID: facility.id, startsAt: time.addingTimeInterval(-3_600), endsAt: time.addingTimeInterval(3_600)
            ).shift(at: time)
            let later = try ShiftDraft(
                personID: nurse.id, facilityID: facility.id, startsAt: time.addingTimeInterval(36_000), endsAt: time.addingTimeInterval(40_000)
            ).shift(at: time)
            try await store.createShift(now, audit: Fixtures.audit())
            try await store.createShift(later, audit: Fixtures.audit())

            let subject = try #require(try await store.evaluationSubject(deviceID: tablet.id, at: time))
            #expect(subject.places == [phonePlace])
            #expect(subject.shifts == [now])
            #expect(subject.visits == [])
            let page = try await store.evaluationSubjects(after: nil, limit: 10, at: time)
            #expect(page.first { $0.device.id == other.id }?.places == [otherPlace])
            #expect(page.first { $0.device.id == phone.id }?.shifts == [now])
        }
    }
}
