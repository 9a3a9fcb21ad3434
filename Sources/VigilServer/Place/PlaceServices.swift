import Foundation
import VigilCore
import VigilStore

/// Group commit for location reports (see ``GroupCommit``): every report is answered only after
/// its transaction commits; `false` for a report another one for the same device beat.
typealias PlaceReportBatcher = GroupCommit<PlaceReport, Bool>

/// The geofencing module's in-process parts (`docs/geofencing.md`): the fences in memory, the
/// location reports' group commit, and what a report does.
final class PlaceServices: Sendable {
    /// The fences in force, indexed; reloaded after a change.
    let fences: ReloadedValue<PlaceMap>
    /// How many days the fixes of hospital-owned devices are kept.
    let retentionDays: Int
    private let store: any VigilStore
    private let policies: PolicyRegistry
    private let evaluator: AccessEvaluator
    private let reports: PlaceReportBatcher

    /// The most fixes one report may carry.
    static let maximumFixesPerReport = 100
    /// How many times a report is applied again when another report for the device wrote first.
    static let attempts = 3

    init(store: any VigilStore, policies: PolicyRegistry, evaluator: AccessEvaluator, retentionDays: Int) {
        self.store = store
        self.policies = policies
        self.evaluator = evaluator
        self.retentionDays = retentionDays
        fences = ReloadedValue { PlaceMap(fences: try await store.fences(facilityID: nil)) }
        reports = PlaceReportBatcher(maximumBatch: 1_000) { try await store.recordPlaceReports($0) }
    }

    /// What a report did.
    struct ReportOutcome: Sendable {
        /// The device as evaluated after the report, with its person's places.
        var subject: EvaluationSubject
        /// Its recorded access state.
        var state: DeviceAccessState
        /// Its place after the report; `nil` when it has never reported a fix that counted.
        var place: DevicePlace?
        /// Its person's place.
        var personPlace: PersonPlace
        /// How many of the report's fixes counted, and how many were ignored (older than the
        /// latest, or from the future).
        var accepted: Int
        var ignored: Int
    }

    /// Applies a device's location report: judges each fix against the fences and the person's
    /// visits, moves the place through the hysteresis, writes it (and the fixes, for a
    /// hospital-owned device whose collection matrix keeps its location), and evaluates every
    /// device of the person when the person's place changed.
    /// - Parameters:
    ///   - fixes: The fixes, checked.
    ///   - deviceID: The reporting device.
    ///   - now: When the report arrived.
    /// - Returns: The outcome, or `nil` when the device is unknown or retired.
    func report(_ fixes: [LocationFix], from deviceID: DeviceID, at now: Date) async throws -> ReportOutcome? {
        let compliance = try await policies.evaluator()
        let collection = try await policies.byodSettings().collection
        let map = try await fences.value()
        for _ in 0..<Self.attempts {
            guard var subject = try await store.evaluationSubject(deviceID: deviceID, at: now),
                subject.device.retirement == nil
            else { return nil }
            let device = subject.device
            let conditions = compliance.effectivePolicy(for: device, roles: subject.roles).conditions
            // The visits in progress now (the subject carries them): a fix of the report taken
            // just before a visit ended is judged without it, and the visit's end settles it anyway.
            let margin = Double(conditions.outsideMarginMeters)
            let judged = fixes.map {
                ClassifiedFix(recordedAt: $0.recordedAt, place: map.judge($0, visits: subject.visits, marginMeters: margin))
            }
            let current = subject.places.first { $0.deviceID == deviceID }
            let update = PlaceTracker.apply(judged, to: current, deviceID: deviceID, conditions: conditions, at: now)
            let accepted = update.accepted.filter { $0 }.count
            let before = compliance.personPlace(of: subject, at: now)
            if var place = update.place, place != current {
                place.revision = (current?.revision ?? 0) + 1
                let kept = collection.keepsLocationFixes(for: device.ownership)
                    ? zip(fixes, update.accepted).filter(\.1).map(\.0) : []
                let written = try await reports.submit(
                    PlaceReport(
                        place: place, personID: device.personID, replacesRevision: current?.revision,
                        nextChange: place.nextChange(staleAfter: conditions.staleAfter), transitions: update.transitions,
                        fixesToKeep: kept, receivedAt: now))
                guard written else { continue }
                subject.places = subject.places.filter { $0.deviceID != deviceID } + [place]
            }
            let after = compliance.personPlace(of: subject, at: now)
            let state: DeviceAccessState
            if before.state == after.state, before.visitID == after.visitID, let recorded = subject.recorded {
                state = recorded
            } else {
                let evaluated = try await evaluator.evaluateDevices(of: device.personID, actor: .device(deviceID), at: now)
                guard let mine = evaluated.first(where: { $0.subject.device.id == deviceID }) else { return nil }
                (subject, state) = mine
            }
            return ReportOutcome(
                subject: subject, state: state, place: subject.places.first { $0.deviceID == deviceID }, personPlace: after,
                accepted: accepted, ignored: fixes.count - accepted)
        }
        throw StoreError.conflict("device \(deviceID) is reporting its place in another request; try again")
    }

    /// Settles the places whose next change came without a fix (a run of outside fixes that
    /// completed, a visit that ended, a place that went stale), and evaluates their people's devices.
    /// - Parameter now: The time.
    /// - Returns: The people whose devices were evaluated.
    func settleDuePlaces(at now: Date) async throws -> Set<PersonID> {
        let compliance = try await policies.evaluator()
        var people: Set<PersonID> = []
        var rescheduled: [(place: DevicePlace, next: Date?)] = []
        for place in try await store.placesChanging(by: now, limit: 1_000) {
            guard let subject = try await store.evaluationSubject(deviceID: place.deviceID, at: now) else {
                rescheduled.append((place, nil))
                continue
            }
            let conditions = compliance.effectivePolicy(for: subject.device, roles: subject.roles).conditions
            let update = PlaceTracker.apply([], to: place, deviceID: place.deviceID, conditions: conditions, at: now)
            if var settled = update.place, settled != place {
                settled.revision = place.revision + 1
                let next = settled.nextChange(staleAfter: conditions.staleAfter).flatMap { $0 > now ? $0 : nil }
                _ = try await reports.submit(
                    PlaceReport(
                        place: settled, personID: subject.device.personID, replacesRevision: place.revision, nextChange: next, transitions: update.transitions,
                        fixesToKeep: [], receivedAt: now))
            } else {
                rescheduled.append((place, place.nextChange(staleAfter: conditions.staleAfter).flatMap { $0 > now ? $0 : nil }))
            }
            people.insert(subject.device.personID)
        }
        try await store.rescheduleChanges(rescheduled)
        for person in people.sorted() {
            try await evaluator.evaluateDevices(of: person, actor: .system("place sweep"), at: now)
        }
        return people
    }
}

extension CollectionMatrix {
    /// Whether the fixes of devices of `ownership` are kept (for lost-device recovery): only a
    /// hospital-owned device's, and only when its precise location is collected. A personal
    /// device's coordinates are never stored, whatever the matrix says.
    func keepsLocationFixes(for ownership: Ownership) -> Bool {
        ownership.isHospitalOwned && collects(.preciseLocation, for: ownership)
    }
}
