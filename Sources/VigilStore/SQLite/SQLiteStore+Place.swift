import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    // MARK: Fences

    public func createFence(_ fence: Fence, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.require(PlaceSQL.facilityExists(fence.facilityID), field: "facilityID", id: fence.facilityID.rawValue, in: db)
            let count = try db.run(PlaceSQL.fenceCount) { try $0.integer(0) }.first ?? 0
            guard count < Fence.maximumCount else {
                throw StoreError.conflict("the organization has \(Fence.maximumCount) fences already; remove one first")
            }
            try db.run(PlaceSQL.insertFence(fence))
            try Self.append(audit, in: db)
        }
    }

    public func updateFence(
        id: FenceID, version: Int, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Fence) throws -> Void
    ) async throws -> Fence {
        try await write { db in
            guard var fence = try db.run(PlaceSQL.fence(id: id), Fence.init(stored:)).first else {
                throw StoreError.notFound("fence \(id)")
            }
            guard fence.version == version else {
                throw StoreError.conflict("fence \(id) is at version \(fence.version), not \(version); read it again")
            }
            try change(&fence)
            fence.version = version + 1
            guard try !db.run(PlaceSQL.updateFence(fence, fromVersion: version), { _ in true }).isEmpty else {
                throw StoreError.conflict("fence \(id) changed meanwhile; read it again")
            }
            try Self.append(audit, in: db)
            return fence
        }
    }

    public func deleteFence(id: FenceID, audit: AuditEventDraft) async throws {
        try await write { db in
            guard try !db.run(PlaceSQL.deleteFence(id: id), { _ in true }).isEmpty else {
                throw StoreError.notFound("fence \(id)")
            }
            try Self.append(audit, in: db)
        }
    }

    public func fence(id: FenceID) async throws -> Fence? {
        try await pool.read { db in try db.run(PlaceSQL.fence(id: id), Fence.init(stored:)).first }
    }

    public func fences(facilityID: FacilityID?) async throws -> [Fence] {
        try await pool.read { db in try db.run(PlaceSQL.fences(facilityID: facilityID), Fence.init(stored:)) }
    }

    // MARK: Device places

    public func devicePlace(deviceID: DeviceID) async throws -> DevicePlace? {
        try await pool.read { db in try db.run(PlaceSQL.place(deviceID: deviceID), DevicePlace.init(stored:)).first }
    }

    public func recordPlaceReports(_ reports: [PlaceReport]) async throws -> [Bool] {
        guard !reports.isEmpty else { return [] }
        return try await write { db in
            try reports.map { report in
                guard try !db.run(PlaceSQL.recordPlace(report), { _ in true }).isEmpty else { return false }
                if !report.transitions.isEmpty { try db.run(PlaceSQL.insertTransitions(report)) }
                if !report.fixesToKeep.isEmpty {
                    try db.run(PlaceSQL.insertFixes(report.fixesToKeep, of: report.place.deviceID, receivedAt: report.receivedAt))
                }
                return true
            }
        }
    }

    public func placeTransitions(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PlaceTransition> {
        let rows = try await pool.read { db in
            try db.run(PlaceSQL.transitions(deviceID: deviceID, page), PlaceTransition.decode(stored:))
        }
        return Page(fetched: rows, request: page, key: \.key).map(\.transition)
    }

    public func placesChanging(by now: Date, limit: Int) async throws -> [DevicePlace] {
        try await pool.read { db in try db.run(PlaceSQL.placesChanging(by: now, limit: limit), DevicePlace.init(stored:)) }
    }

    public func rescheduleChanges(_ places: [(place: DevicePlace, next: Date?)]) async throws {
        guard !places.isEmpty else { return }
        try await write { db in
            for (place, next) in places { try db.run(PlaceSQL.reschedule(place, next: next)) }
        }
    }

    public func locationFixes(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<LocationFix> {
        let fixes = try await pool.read { db in try db.run(PlaceSQL.fixes(deviceID: deviceID, page), LocationFix.init(stored:)) }
        return Page(fetched: fixes, request: page) { String($0.recordedAt.millisecondsSince1970) }
    }

    public func purgeLocationFixes(recordedBefore cutoff: Date) async throws -> Int {
        try await write { db in try db.run(PlaceSQL.purgeFixes(recordedBefore: cutoff), { _ in true }).count }
    }

    // MARK: Shifts and visits

    public func createShift(_ shift: Shift, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.require(PlaceSQL.personExists(shift.personID), field: "personID", id: shift.personID.rawValue, in: db)
            try Self.require(PlaceSQL.facilityExists(shift.facilityID), field: "facilityID", id: shift.facilityID.rawValue, in: db)
            try db.run(PlaceSQL.insertShift(shift))
            try Self.append(audit, in: db)
        }
    }

    public func deleteShift(id: ShiftID, audit: AuditEventDraft) async throws -> Shift {
        try await write { db in
            guard let shift = try db.run(PlaceSQL.deleteShift(id: id), Shift.init(stored:)).first else {
                throw StoreError.notFound("shift \(id)")
            }
            try Self.append(audit, in: db)
            return shift
        }
    }

    public func shift(id: ShiftID) async throws -> Shift? {
        try await pool.read { db in try db.run(PlaceSQL.shift(id: id), Shift.init(stored:)).first }
    }

    public func shifts(personID: PersonID?, from: Date?, through: Date?, _ page: PageRequest) async throws -> Page<Shift> {
        let shifts = try await pool.read { db in
            try db.run(PlaceSQL.shifts(personID: personID, from: from, through: through, page), Shift.init(stored:))
        }
        return Page(fetched: shifts, request: page) { StartCursor.key(start: $0.startsAt, id: $0.id.rawValue) }
    }

    public func createVisit(_ visit: Visit, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.require(PlaceSQL.personExists(visit.personID), field: "personID", id: visit.personID.rawValue, in: db)
            try db.run(PlaceSQL.insertVisit(visit))
            try Self.append(audit, in: db)
        }
    }

    public func cancelVisit(id: VisitID, at time: Date, audit: AuditEventDraft) async throws -> Visit {
        try await write { db in
            guard let visit = try db.run(PlaceSQL.cancelVisit(id: id, at: time), Visit.init(stored:)).first else {
                let exists = try !db.run(PlaceSQL.visit(id: id), { _ in true }).isEmpty
                throw exists ? StoreError.conflict("visit \(id) is cancelled already") : StoreError.notFound("visit \(id)")
            }
            try Self.append(audit, in: db)
            return visit
        }
    }

    public func visit(id: VisitID) async throws -> Visit? {
        try await pool.read { db in try db.run(PlaceSQL.visit(id: id), Visit.init(stored:)).first }
    }

    public func visits(personID: PersonID?, _ page: PageRequest) async throws -> Page<Visit> {
        let visits = try await pool.read { db in try db.run(PlaceSQL.visits(personID: personID, page), Visit.init(stored:)) }
        return Page(fetched: visits, request: page) { StartCursor.key(start: $0.startsAt, id: $0.id.rawValue) }
    }

    public func peopleWithScheduleChanges(after: Date, through: Date) async throws -> [PersonID] {
        try await pool.read { db in
            try db.run(PlaceSQL.scheduleChanges(after: after, through: through)) { try $0.identifier(0) }
        }
    }

    // MARK: Evaluation subjects

    /// Gives subjects read in `db` the places, shifts and visits of their people.
    static func withPlaceFacts(_ subjects: [EvaluationSubject], at now: Date, in db: Database) throws -> [EvaluationSubject] {
        let people = PlaceFacts.people(of: subjects)
        guard let statements = PlaceFacts.statements(for: people, at: now) else { return subjects }
        return PlaceFacts.attach(
            places: try db.run(statements.places, PlaceFacts.personPlace(stored:)),
            shifts: try db.run(statements.shifts, Shift.init(stored:)),
            visits: try db.run(statements.visits, Visit.init(stored:)), to: subjects)
    }

    /// Refuses a reference to a record that `statement` does not find.
    static func require(_ statement: SQLStatement, field: String, id: String, in db: Database) throws {
        if try db.run(statement, { _ in true }).isEmpty { throw StoreError.unknownReference(field: field, id: id) }
    }
}
