import Foundation
import Testing

@testable import VigilCore

/// Timelines of fixes through the hysteresis, stale and out-of-order rules, and a person's place
/// from several devices.
struct PlaceTrackerTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let phone = DeviceID(rawValue: "dev_phone")
    static let tablet = DeviceID(rawValue: "dev_tablet")
    static let facility = FacilityID(rawValue: "fac_main")
    static let fence = FenceID(rawValue: "fen_main")
    static let inside = FixPlace.inside(facility: facility, fence: fence)

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Feeds a timeline of `(seconds, what the fix says)` one report per fix, each received when
    /// taken, and returns the place after each.
    static func timeline(
        _ fixes: [(Double, FixPlace)], device: DeviceID = phone, conditions: EffectiveConditions = EffectiveConditions(),
        from place: DevicePlace? = nil
    ) -> [DevicePlace?] {
        var place = place
        return fixes.map { seconds, what in
            place = PlaceTracker.apply(
                [ClassifiedFix(recordedAt: at(seconds), place: what)], to: place, deviceID: device, conditions: conditions,
                at: at(seconds)
            ).place
            return place
        }
    }

    @Test func insideAtOnceOutsideOnlyAfterTheDwellTime() {
        let places = Self.timeline([(0, Self.inside), (10, .outside), (40, .outside), (69, .outside), (70, .outside)])
        #expect(places.map { $0?.state } == [.inside, .inside, .inside, .inside, .outside])
        #expect(places[3]?.outsideSince == Self.at(10))
        #expect(places[3]?.outsideAt == Self.at(70))
        #expect(places[4]?.changedAt == Self.at(70))
        #expect(places[4]?.facilityID == nil)
        // One inside fix brings it back at once.
        let back = Self.timeline([(80, Self.inside)], from: places[4])
        #expect(back[0]?.state == .inside)
        #expect(back[0]?.changedAt == Self.at(80))
    }

    @Test func anInsideFixEndsARunOfOutsideFixes() {
        let places = Self.timeline([(0, Self.inside), (10, .outside), (50, Self.inside), (60, .outside), (100, .outside)])
        #expect(places.map { $0?.state } == [.inside, .inside, .inside, .inside, .inside])
        #expect(places[4]?.outsideSince == Self.at(60))
    }

    @Test func consecutiveOutsideFixesTurnItOutsideSoonerWhenConfigured() {
        var conditions = EffectiveConditions()
        conditions.outsideAfterFixes = 3
        let places = Self.timeline([(0, Self.inside), (1, .outside), (2, .outside), (3, .outside)], conditions: conditions)
        #expect(places.map { $0?.state } == [.inside, .inside, .inside, .outside])
    }

    @Test func anInaccurateFixNeverBlocksAndNeitherCountsNorBreaksARun() {
        var conditions = EffectiveConditions()
        conditions.outsideAfterFixes = 2
        let places = Self.timeline(
            [(0, Self.inside), (5, .unknown), (10, .outside), (15, .unknown), (20, .unknown), (25, .outside)],
            conditions: conditions)
        #expect(places.map { $0?.state } == [.inside, .inside, .inside, .inside, .inside, .outside])
        #expect(places[4]?.outsideFixes == 1)
        // Unknown fixes alone never make anyone outside, however long they last.
        let unknown = Self.timeline([(0, Self.inside), (100, .unknown), (1_000, .unknown)])
        #expect(unknown.map { $0?.state } == [.inside, .inside, .inside])
    }

    @Test func theFirstFixOutsideWaitsForTheDwellTimeToo() {
        let places = Self.timeline([(0, .outside), (30, .outside), (60, .outside)])
        #expect(places.map { $0?.state } == [.unknown, .unknown, .outside])
    }

    @Test func theDwellTimeCompletesWithoutANewFix() {
        let after = Self.timeline([(0, Self.inside), (10, .outside)])[1]!
        #expect(after.settled(at: Self.at(69)).state == .inside)
        let settled = after.settled(at: Self.at(70))
        #expect(settled.state == .outside)
        #expect(settled.changedAt == Self.at(70))
        #expect(after.nextChange(staleAfter: 900) == Self.at(70))
        // A report received after the dwell time with nothing new settles it too, with its transition.
        let update = PlaceTracker.apply([], to: after, deviceID: Self.phone, conditions: EffectiveConditions(), at: Self.at(75))
        #expect(update.place?.state == .outside)
        #expect(update.transitions.map(\.to) == [.outside])
        #expect(update.transitions.first?.at == Self.at(70))
    }

    @Test func olderAndFutureFixesAreIgnored() {
        let first = PlaceTracker.apply(
            [ClassifiedFix(recordedAt: Self.at(100), place: Self.inside)], to: nil, deviceID: Self.phone,
            conditions: EffectiveConditions(), at: Self.at(100)
        ).place
        let update = PlaceTracker.apply(
            [
                ClassifiedFix(recordedAt: Self.at(50), place: .outside),  // older than the last one
                ClassifiedFix(recordedAt: Self.at(100), place: .outside),  // the same instant again
                ClassifiedFix(recordedAt: Self.at(200 + PlaceTracker.futureTolerance + 1), place: .outside),  // future
                ClassifiedFix(recordedAt: Self.at(120), place: Self.inside),
            ], to: first, deviceID: Self.phone, conditions: EffectiveConditions(), at: Self.at(200))
        #expect(update.accepted == [false, false, false, true])
        #expect(update.place?.lastFixAt == Self.at(120))
        #expect(update.place?.outsideSince == nil)
        #expect(update.transitions.isEmpty)
    }

    @Test func aBatchIsTakenInTheOrderTheFixesWereTaken() {
        let update = PlaceTracker.apply(
            [
                ClassifiedFix(recordedAt: Self.at(70), place: .outside),
                ClassifiedFix(recordedAt: Self.at(0), place: Self.inside),
                ClassifiedFix(recordedAt: Self.at(10), place: .outside),
            ], to: nil, deviceID: Self.phone, conditions: EffectiveConditions(), at: Self.at(71))
        #expect(update.accepted == [true, true, true])
        #expect(update.place?.state == .outside)
        #expect(update.transitions.map(\.from) == [nil, .inside])
        #expect(update.transitions.map(\.to) == [.inside, .outside])
        #expect(update.transitions.map(\.at) == [Self.at(0), Self.at(70)])
    }

    @Test func aVisitEndsAtItsEndTime() {
        let visit = VisitID(rawValue: "vis_1")
        let places = Self.timeline([(0, .visit(visit, until: Self.at(600)))])
        #expect(places[0]?.state == .visit)
        #expect(places[0]?.nextChange(staleAfter: 900) == Self.at(600))
        let ended = places[0]!.settled(at: Self.at(600))
        #expect(ended.state == .outside)
        #expect(ended.visitID == nil)
    }

    // MARK: One person, several devices

    static func place(_ device: DeviceID, _ state: DevicePlaceState, changed: Double, lastFix: Double) -> DevicePlace {
        DevicePlace(
            deviceID: device, state: state, facilityID: state == .inside ? facility : nil, changedAt: at(changed),
            lastFixAt: at(lastFix))
    }

    @Test func theDeviceThatMovedLastTellsWhereThePersonIs() {
        // The tablet in the bag last changed when the shift began; the phone in the pocket walks out.
        let tablet = Self.place(Self.tablet, .inside, changed: 0, lastFix: 500)
        let phone = Self.place(Self.phone, .outside, changed: 600, lastFix: 600)
        let out = PersonPlace(of: [tablet, phone], staleAfter: 900, at: Self.at(610))
        #expect(out.state == .outside)
        #expect(out.deviceID == Self.phone)
        // Back in: the phone's inside fix restores the person.
        let back = PersonPlace(
            of: [tablet, Self.place(Self.phone, .inside, changed: 700, lastFix: 700)], staleAfter: 900, at: Self.at(710))
        #expect(back.state == .inside)
        #expect(back.facilityID == Self.facility)
    }

    @Test func devicesThatStoppedReportingAreLeftOutAndNoneLeftIsStale() {
        let phone = Self.place(Self.phone, .outside, changed: 0, lastFix: 0)
        let tablet = Self.place(Self.tablet, .inside, changed: -100, lastFix: 800)
        #expect(PersonPlace(of: [phone, tablet], staleAfter: 900, at: Self.at(899)).state == .outside)
        #expect(PersonPlace(of: [phone, tablet], staleAfter: 900, at: Self.at(900)).state == .inside)
        let stale = PersonPlace(of: [phone, tablet], staleAfter: 900, at: Self.at(1_700))
        #expect(stale.state == .stale)
        #expect(stale.since == Self.at(800))
        #expect(PersonPlace(of: [], staleAfter: 900, at: Self.at(0)).state == .stale)
        let uncertain = PersonPlace(of: [Self.place(Self.phone, .unknown, changed: 0, lastFix: 10)], staleAfter: 900, at: Self.at(20))
        #expect(uncertain.state == .unknown)
    }

    @Test func thePlaceInputFollowsTheConditions() {
        var conditions = EffectiveConditions()
        let outside = PersonPlace(state: .outside)
        #expect(PlaceInput(outside, conditions: conditions, visit: nil, patient: nil) == .notRequired)
        conditions.requireInsideFacility = true
        #expect(PlaceInput(outside, conditions: conditions, visit: nil, patient: nil) == .outside)
        #expect(PlaceInput(PersonPlace(state: .stale), conditions: conditions, visit: nil, patient: nil) == .stale)
        conditions.staleBlocksPHI = false
        #expect(PlaceInput(PersonPlace(state: .stale), conditions: conditions, visit: nil, patient: nil) == .unknown)
    }

    @Test func aShiftCoversItsGraceBeforeAndAfter() throws {
        let shift = try ShiftDraft(
            personID: PersonID(rawValue: "per_1"), facilityID: Self.facility, startsAt: Self.at(3_600),
            endsAt: Self.at(7_200), graceBeforeMinutes: 10, graceAfterMinutes: 5
        ).shift(at: Self.start)
        #expect(ShiftInput(required: true, shifts: [shift], at: Self.at(2_999)) == .offShift)
        #expect(ShiftInput(required: true, shifts: [shift], at: Self.at(3_000)) == .onShift)
        #expect(ShiftInput(required: true, shifts: [shift], at: Self.at(7_499)) == .onShift)
        #expect(ShiftInput(required: true, shifts: [shift], at: Self.at(7_500)) == .offShift)
        #expect(ShiftInput(required: false, shifts: [], at: Self.at(0)) == .notRequired)
        #expect(throws: ValidationError.self) {
            try ShiftDraft(personID: shift.personID, facilityID: Self.facility, startsAt: Self.at(10), endsAt: Self.at(5))
                .shift(at: Self.start)
        }
        #expect(throws: ValidationError.self) {
            try ShiftDraft(
                personID: shift.personID, facilityID: Self.facility, startsAt: Self.at(0), endsAt: Self.at(90_000)
            ).shift(at: Self.start)
        }
    }

    @Test func accuracyIsNormalizedToNinetyFivePercent() {
        let android = LocationFix(latitude: 0, longitude: 0, accuracyMeters: 10, recordedAt: Self.start, source: .gps)
        #expect(abs(android.normalizedAccuracyMeters - 16.21) < 0.01)
        let browser = LocationFix(latitude: 0, longitude: 0, accuracyMeters: 10, confidence: 0.95, recordedAt: Self.start, source: .wifi)
        #expect(abs(browser.normalizedAccuracyMeters - 10) < 1e-9)
        #expect(throws: ValidationError.self) { try LocationFix(latitude: 91, longitude: 0, accuracyMeters: 1, recordedAt: Self.start, source: .gps).validated(field: "fixes[0]") }
        #expect(throws: ValidationError.self) { try LocationFix(latitude: 0, longitude: .nan, accuracyMeters: 1, recordedAt: Self.start, source: .gps).validated(field: "fixes[0]") }
    }

    @Test func policiesComposeTheirConditionsByPrecedence() {
        let everyone = SecurityPolicy(
            name: "everyone", requirements: PolicyRequirements(),
            conditions: AccessConditions(requireInsideFacility: true, staleAfterMinutes: 30))
        let nurses = SecurityPolicy(
            name: "nurses", scope: PolicyScope(role: [.clinician]), requirements: PolicyRequirements(),
            conditions: AccessConditions(requireOnShift: true, staleAfterMinutes: 10))
        let set = PolicySet([everyone, nurses])
        let composed = EffectivePolicy(
            policies: set.ordered, ownership: .corporate, deviceClass: .phone, platform: .android, roles: [.clinician])
        #expect(composed.conditions.requireInsideFacility)
        #expect(composed.conditions.requireOnShift)
        #expect(composed.conditions.staleAfterMinutes == 10)
        #expect(composed.conditions.outsideAfterSeconds == 60)
    }
}
