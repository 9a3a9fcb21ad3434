import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    // MARK: Fences

    public func createFence(_ fence: Fence, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await require(PlaceSQL.facilityExists(fence.facilityID), field: "facilityID", id: fence.facilityID.rawValue, on: connection)
            let count = try await connection.run(PlaceSQL.fenceCount, logger: logger) { try $0.integer(0) }.first ?? 0
            guard count < Fence.maximumCount else {
                throw StoreError.conflict("the organization has \(Fence.maximumCount) fences already; remove one first")
            }
            try await connection.run(PlaceSQL.insertFence(fence), logger: logger)
            try await append(audit, on: connection)
        }
    }

    public func updateFence(
        id: FenceID, version: Int, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Fence) throws -> Void
    ) async throws -> Fence {
        try await transaction { connection in
            guard var fence = try await connection.run(PlaceSQL.fence(id: id), logger: logger, Fence.init(stored:)).first else {
                throw StoreError.notFound("fence \(id)")
            }
            guard fence.version == version else {
                throw StoreError.conflict("fence \(id) is at version \(fence.version), not \(version); read it again")
            }
            try change(&fence)
            fence.version = version + 1
            guard try await !connection.run(PlaceSQL.updateFence(fence, fromVersion: version), logger: logger, { _ in true }).isEmpty
            else { throw StoreError.conflict("fence \(id) changed meanwhile; read it again") }
            try await append(audit, on: connection)
            return fence
        }
    }

    public func deleteFence(id: FenceID, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            guard try await !connection.run(PlaceSQL.deleteFence(id: id), logger: logger, { _ in true }).isEmpty else {
                throw StoreError.notFound("fence \(id)")
            }
            try await append(audit, on: connection)
        }
    }

    public func fence(id: FenceID) async throws -> Fence? {
        try await read(PlaceSQL.fence(id: id), Fence.init(stored:)).first
    }

    public func fences(facilityID: FacilityID?) async throws -> [Fence] {
        try await read(PlaceSQL.fences(facilityID: facilityID), Fence.init(stored:))
    }

    // MARK: Device places

    public func devicePlace(deviceID: DeviceID) async throws -> DevicePlace? {
        try await read(PlaceSQL.place(deviceID: deviceID), DevicePlace.init(stored:)).first
    }

    /// In a transaction of its own, without the audit trail's lock: a place report appends no audit event.
    public func recordPlaceReports(_ reports: [PlaceReport]) async throws -> [Bool] {
        guard !reports.isEmpty else { return [] }
        return try await transaction(lockingAuditTrail: false) { connection in
            var written: [Bool] = []
            for report in reports {
                guard try await !connection.run(PlaceSQL.recordPlace(report), logger: logger, { _ in true }).isEmpty else {
                    written.append(false)
                    continue
                }
                if !report.transitions.isEmpty { try await connection.run(PlaceSQL.insertTransitions(report), logger: logger) }
                if !report.fixesToKeep.isEmpty {
                    try await connection.run(
                        PlaceSQL.insertFixes(report.fixesToKeep, of: report.place.deviceID, receivedAt: report.receivedAt),
                        logger: logger)
                }
                written.append(true)
            }
            return written
        }
    }

    public func placeTransitions(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PlaceTransition> {
        let rows = try await read(PlaceSQL.transitions(deviceID: deviceID, page), PlaceTransition.decode(stored:))
        return Page(fetched: rows, request: page, key: \.key).map(\.transition)
    }

    public func placesChanging(by now: Date, limit: Int) async throws -> [DevicePlace] {
        try await read(PlaceSQL.placesChanging(by: now, limit: limit), DevicePlace.init(stored:))
    }

    public func rescheduleChanges(_ places: [(place: DevicePlace, next: Date?)]) async throws {
        guard !places.isEmpty else { return }
        let statements = places.map { PlaceSQL.reschedule($0.place, next: $0.next) }
        try await transaction(lockingAuditTrail: false) { connection in
            for statement in statements { try await connection.run(statement, logger: logger) }
        }
    }

    public func locationFixes(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<LocationFix> {
        let fixes = try await read(PlaceSQL.fixes(deviceID: deviceID, page), LocationFix.init(stored:))
        return Page(fetched: fixes, request: page) { String($0.recordedAt.millisecondsSince1970) }
    }

    public func purgeLocationFixes(recordedBefore cutoff: Date) async throws -> Int {
        try await transaction(lockingAuditTrail: false) { connection in
            try await connection.run(PlaceSQL.purgeFixes(recordedBefore: cutoff), logger: logger, { _ in true }).count
        }
    }

    // MARK: Shifts and visits

    public func createShift(_ shift: Shift, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await require(PlaceSQL.personExists(shift.personID), field: "personID", id: shift.personID.rawValue, on: connection)
            try await require(
                PlaceSQL.facilityExists(shift.facilityID), field: "facilityID", id: shift.facilityID.rawValue, on: connection)
            try await connection.run(PlaceSQL.insertShift(shift), logger: logger)
            try await append(audit, on: connection)
        }
    }

    public func deleteShift(id: ShiftID, audit: AuditEventDraft) async throws -> Shift {
        try await transaction { connection in
            guard let shift = try await connection.run(PlaceSQL.deleteShift(id: id), logger: logger, Shift.init(stored:)).first else {
                throw StoreError.notFound("shift \(id)")
            }
            try await append(audit, on: connection)
            return shift
        }
    }

    public func shift(id: ShiftID) async throws -> Shift? {
        try await read(PlaceSQL.shift(id: id), Shift.init(stored:)).first
    }

    public func shifts(personID: PersonID?, from: Date?, through: Date?, _ page: PageRequest) async throws -> Page<Shift> {
        let shifts = try await read(PlaceSQL.shifts(personID: personID, from: from, through: through, page), Shift.init(stored:))
        return Page(fetched: shifts, request: page) { StartCursor.key(start: $0.startsAt, id: $0.id.rawValue) }
    }

    public func createVisit(_ visit: Visit, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await require(PlaceSQL.personExists(visit.personID), field: "personID", id: visit.personID.rawValue, on: connection)
            try await connection.run(PlaceSQL.insertVisit(visit), logger: logger)
            try await append(audit, on: connection)
        }
    }

    public func cancelVisit(id: VisitID, at time: Date, audit: AuditEventDraft) async throws -> Visit {
        try await transaction { connection in
            guard let visit = try await connection.run(PlaceSQL.cancelVisit(id: id, at: time), logger: logger, Visit.init(stored:)).first
            else {
                let exists = try await !connection.run(PlaceSQL.visit(id: id), logger: logger, { _ in true }).isEmpty
                throw exists ? StoreError.conflict("visit \(id) is cancelled already") : StoreError.notFound("visit \(id)")
            }
            try await append(audit, on: connection)
            return visit
        }
    }

    public func visit(id: VisitID) async throws -> Visit? {
        try await read(PlaceSQL.visit(id: id), Visit.init(stored:)).first
    }

    public func visits(personID: PersonID?, _ page: PageRequest) async throws -> Page<Visit> {
        let visits = try await read(PlaceSQL.visits(personID: personID, page), Visit.init(stored:))
        return Page(fetched: visits, request: page) { StartCursor.key(start: $0.startsAt, id: $0.id.rawValue) }
    }

    public func peopleWithScheduleChanges(after: Date, through: Date) async throws -> [PersonID] {
        try await read(PlaceSQL.scheduleChanges(after: after, through: through)) { try $0.identifier(0) }
    }

    // MARK: Evaluation subjects

    /// Gives subjects the places, shifts and visits of their people.
    func withPlaceFacts(_ subjects: [EvaluationSubject], at now: Date) async throws -> [EvaluationSubject] {
        let people = PlaceFacts.people(of: subjects)
        guard let statements = PlaceFacts.statements(for: people, at: now) else { return subjects }
        return PlaceFacts.attach(
            places: try await read(statements.places, PlaceFacts.personPlace(stored:)),
            shifts: try await read(statements.shifts, Shift.init(stored:)),
            visits: try await read(statements.visits, Visit.init(stored:)), to: subjects)
    }

    /// Refuses a reference to a record that `statement` does not find.
    func require(_ statement: SQLStatement, field: String, id: String, on connection: PostgresConnection) async throws {
        if try await connection.run(statement, logger: logger, { _ in true }).isEmpty {
            throw StoreError.unknownReference(field: field, id: id)
        }
    }
}
