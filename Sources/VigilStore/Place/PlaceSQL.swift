import Foundation
import VigilCore

/// The statements of fences, device places, location fixes, shifts and visits, written once for
/// both backends.
enum PlaceSQL {
    // MARK: Fences

    static let fenceColumns = "id, facility_id, name, version, feature, created_at, updated_at"

    static func insertFence(_ fence: Fence) -> SQLStatement {
        SQLStatement(
            "INSERT INTO fences (\(fenceColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.identifier(fence.id), .identifier(fence.facilityID), .text(fence.name), .integer(Int64(fence.version)),
             .text(StoredJSON.encode(fence.shape.feature())), .date(fence.createdAt), .date(fence.updatedAt)])
    }

    static func updateFence(_ fence: Fence, fromVersion: Int) -> SQLStatement {
        SQLStatement(
            "UPDATE fences SET name = ?, version = ?, feature = ?, updated_at = ? WHERE id = ? AND version = ? RETURNING id",
            [.text(fence.name), .integer(Int64(fence.version)), .text(StoredJSON.encode(fence.shape.feature())),
             .date(fence.updatedAt), .identifier(fence.id), .integer(Int64(fromVersion))])
    }

    static func deleteFence(id: FenceID) -> SQLStatement {
        SQLStatement("DELETE FROM fences WHERE id = ? RETURNING id", [.identifier(id)])
    }

    static func fence(id: FenceID) -> SQLStatement {
        SQLStatement("SELECT \(fenceColumns) FROM fences WHERE id = ?", [.identifier(id)])
    }

    static func fences(facilityID: FacilityID?) -> SQLStatement {
        guard let facilityID else { return SQLStatement("SELECT \(fenceColumns) FROM fences ORDER BY id") }
        return SQLStatement("SELECT \(fenceColumns) FROM fences WHERE facility_id = ? ORDER BY id", [.identifier(facilityID)])
    }

    static let fenceCount = SQLStatement("SELECT COUNT(*) FROM fences")

    static func facilityExists(_ id: FacilityID) -> SQLStatement {
        SQLStatement("SELECT 1 FROM facilities WHERE id = ?", [.identifier(id)])
    }

    static func personExists(_ id: PersonID) -> SQLStatement {
        SQLStatement("SELECT 1 FROM people WHERE id = ?", [.identifier(id)])
    }

    // MARK: Device places

    static let placeColumns = """
        device_id, state, facility_id, fence_id, visit_id, visit_until, changed_at, last_fix_at, outside_since, \
        outside_fixes, outside_at, revision
        """

    /// The place columns, each qualified with `p.`: built once.
    static let qualifiedPlaceColumns = placeColumns.split(separator: ",")
        .map { "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    static func place(deviceID: DeviceID) -> SQLStatement {
        SQLStatement("SELECT \(placeColumns) FROM device_places WHERE device_id = ?", [.identifier(deviceID)])
    }

    /// The places of the devices in service of these people, with each device's person.
    static func places(ofPeople people: [PersonID]) -> SQLStatement {
        SQLStatement(
            """
            SELECT \(qualifiedPlaceColumns), p.person_id
            FROM device_places p JOIN devices d ON d.id = p.device_id
            WHERE p.person_id IN (\(placeholders(people.count))) AND d.retired_at IS NULL
            """, people.map { .identifier($0) })
    }

    /// Writes a report's place if its revision is still the one it replaces; returns the device when it did.
    static func recordPlace(_ report: PlaceReport) -> SQLStatement {
        let place = report.place
        let values: [SQLValue] = [
            .enumeration(place.state), .identifier(place.facilityID), .identifier(place.fenceID),
            .identifier(place.visitID), .date(place.visitUntil), .date(place.changedAt), .date(place.lastFixAt),
            .date(place.outsideSince), .integer(Int64(place.outsideFixes)), .date(place.outsideAt),
            .date(report.nextChange), .integer(place.revision),
        ]
        guard let previous = report.replacesRevision else {
            return SQLStatement(
                """
                INSERT INTO device_places (device_id, person_id, state, facility_id, fence_id, visit_id, visit_until,
                    changed_at, last_fix_at, outside_since, outside_fixes, outside_at, next_change_at, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING RETURNING device_id
                """, [.identifier(place.deviceID), .identifier(report.personID)] + values)
        }
        return SQLStatement(
            """
            UPDATE device_places SET state = ?, facility_id = ?, fence_id = ?, visit_id = ?, visit_until = ?,
                changed_at = ?, last_fix_at = ?, outside_since = ?, outside_fixes = ?, outside_at = ?,
                next_change_at = ?, revision = ?
            WHERE device_id = ? AND revision = ? RETURNING device_id
            """, values + [.identifier(place.deviceID), .integer(previous)])
    }

    /// Inserts a report's transitions, keyed by the place's revision and their position.
    static func insertTransitions(_ report: PlaceReport) -> SQLStatement {
        SQLStatement(
            "INSERT INTO place_transitions (device_id, revision, position, from_state, to_state, facility_id, visit_id, at) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: report.transitions.count).joined(separator: ", "),
            report.transitions.enumerated().flatMap { position, transition -> [SQLValue] in
                [.identifier(transition.deviceID), .integer(report.place.revision), .integer(Int64(position)),
                 .enumeration(transition.from), .enumeration(transition.to), .identifier(transition.facilityID),
                 .identifier(transition.visitID), .date(transition.at)]
            })
    }

    /// A report's transitions key their pages by revision × this + position.
    static let transitionsPerRevision: Int64 = 1_000

    /// Newest first.
    static func transitions(deviceID: DeviceID, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT device_id, revision, position, from_state, to_state, facility_id, visit_id, at FROM place_transitions WHERE device_id = ?",
            [.identifier(deviceID)])
        if let after = page.after.flatMap(Int64.init) {
            statement.sql += " AND revision * \(transitionsPerRevision) + position < ?"
            statement.values.append(.integer(after))
        }
        statement.sql += " ORDER BY revision DESC, position DESC LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static func placesChanging(by now: Date, limit: Int) -> SQLStatement {
        SQLStatement(
            "SELECT \(placeColumns) FROM device_places WHERE next_change_at <= ? ORDER BY next_change_at LIMIT ?",
            [.date(now), .integer(Int64(limit))])
    }

    static func reschedule(_ place: DevicePlace, next: Date?) -> SQLStatement {
        SQLStatement(
            "UPDATE device_places SET next_change_at = ? WHERE device_id = ? AND revision = ?",
            [.date(next), .identifier(place.deviceID), .integer(place.revision)])
    }

    // MARK: Location fixes

    static func insertFixes(_ fixes: [LocationFix], of deviceID: DeviceID, receivedAt: Date) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO location_fixes (device_id, recorded_at, latitude_e7, longitude_e7, accuracy_cm, source, received_at)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: fixes.count).joined(separator: ", "))
            ON CONFLICT (device_id, recorded_at) DO NOTHING
            """,
            fixes.flatMap { fix -> [SQLValue] in
                [.identifier(deviceID), .date(fix.recordedAt), .integer(Int64((fix.latitude * 1e7).rounded())),
                 .integer(Int64((fix.longitude * 1e7).rounded())),
                 .integer(Int64((fix.normalizedAccuracyMeters * 100).rounded())), .enumeration(fix.source),
                 .date(receivedAt)]
            })
    }

    /// Newest first.
    static func fixes(deviceID: DeviceID, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT recorded_at, latitude_e7, longitude_e7, accuracy_cm, source FROM location_fixes WHERE device_id = ?",
            [.identifier(deviceID)])
        if let after = page.after.flatMap(Int64.init) {
            statement.sql += " AND recorded_at < ?"
            statement.values.append(.integer(after))
        }
        statement.sql += " ORDER BY recorded_at DESC LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static func purgeFixes(recordedBefore cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM location_fixes WHERE recorded_at < ? RETURNING device_id", [.date(cutoff)])
    }

    // MARK: Shifts

    static let shiftColumns = """
        id, person_id, facility_id, unit, starts_at, ends_at, grace_before_minutes, grace_after_minutes, created_at
        """

    static func insertShift(_ shift: Shift) -> SQLStatement {
        SQLStatement(
            "INSERT INTO shifts (\(shiftColumns), opens_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [.identifier(shift.id), .identifier(shift.personID), .identifier(shift.facilityID), .text(shift.unit),
             .date(shift.startsAt), .date(shift.endsAt), .integer(Int64(shift.graceBeforeMinutes)),
             .integer(Int64(shift.graceAfterMinutes)), .date(shift.createdAt), .date(shift.opensAt),
             .date(shift.closesAt)])
    }

    static func deleteShift(id: ShiftID) -> SQLStatement {
        SQLStatement("DELETE FROM shifts WHERE id = ? RETURNING \(shiftColumns)", [.identifier(id)])
    }

    static func shift(id: ShiftID) -> SQLStatement {
        SQLStatement("SELECT \(shiftColumns) FROM shifts WHERE id = ?", [.identifier(id)])
    }

    static func shifts(personID: PersonID?, from: Date?, through: Date?, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement("SELECT \(shiftColumns) FROM shifts WHERE 1 = 1")
        if let personID {
            statement.sql += " AND person_id = ?"
            statement.values.append(.identifier(personID))
        }
        if let from {
            statement.sql += " AND ends_at > ?"
            statement.values.append(.date(from))
        }
        if let through {
            statement.sql += " AND starts_at < ?"
            statement.values.append(.date(through))
        }
        return pagedByStart(statement, page)
    }

    /// The shifts of these people that cover `now`, grace included.
    static func shiftsCovering(_ now: Date, people: [PersonID]) -> SQLStatement {
        SQLStatement(
            "SELECT \(shiftColumns) FROM shifts WHERE person_id IN (\(placeholders(people.count))) AND opens_at <= ? AND closes_at > ?",
            people.map { .identifier($0) } + [.date(now), .date(now)])
    }

    // MARK: Visits

    static let visitColumns = "id, person_id, patient, place, starts_at, ends_at, created_at, cancelled_at"

    static func insertVisit(_ visit: Visit) -> SQLStatement {
        SQLStatement(
            "INSERT INTO visits (\(visitColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [.identifier(visit.id), .identifier(visit.personID), .text(visit.patient),
             .text(StoredJSON.encode(visit.place.feature())), .date(visit.startsAt), .date(visit.endsAt),
             .date(visit.createdAt), .date(visit.cancelledAt)])
    }

    static func cancelVisit(id: VisitID, at time: Date) -> SQLStatement {
        SQLStatement(
            "UPDATE visits SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL RETURNING \(visitColumns)",
            [.date(time), .identifier(id)])
    }

    static func visit(id: VisitID) -> SQLStatement {
        SQLStatement("SELECT \(visitColumns) FROM visits WHERE id = ?", [.identifier(id)])
    }

    static func visits(personID: PersonID?, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement("SELECT \(visitColumns) FROM visits WHERE 1 = 1")
        if let personID {
            statement.sql += " AND person_id = ?"
            statement.values.append(.identifier(personID))
        }
        return pagedByStart(statement, page)
    }

    /// The visits of these people, not cancelled, in progress at `now`.
    static func visitsInProgress(people: [PersonID], at now: Date) -> SQLStatement {
        SQLStatement(
            """
            SELECT \(visitColumns) FROM visits WHERE person_id IN (\(placeholders(people.count)))
                AND cancelled_at IS NULL AND starts_at <= ? AND ends_at > ?
            """, people.map { .identifier($0) } + [.date(now), .date(now)])
    }

    /// The people with a shift opening or closing, or a visit starting, ending or cancelled, in (`after`, `through`].
    static func scheduleChanges(after: Date, through: Date) -> SQLStatement {
        SQLStatement(
            """
            SELECT person_id FROM shifts WHERE (opens_at > ? AND opens_at <= ?) OR (closes_at > ? AND closes_at <= ?)
            UNION
            SELECT person_id FROM visits WHERE (starts_at > ? AND starts_at <= ?) OR (ends_at > ? AND ends_at <= ?)
                OR (cancelled_at > ? AND cancelled_at <= ?)
            """, Array(repeating: [SQLValue.date(after), .date(through)], count: 5).flatMap { $0 })
    }

    // MARK: Shared

    /// `?, ?, …` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
    }

    /// Orders a statement of shifts or visits by start, then ID, from the page's cursor
    /// (`startMilliseconds:id`) on.
    private static func pagedByStart(_ statement: SQLStatement, _ page: PageRequest) -> SQLStatement {
        var statement = statement
        if let cursor = page.after.flatMap(StartCursor.init) {
            statement.sql += " AND (starts_at > ? OR (starts_at = ? AND id > ?))"
            statement.values += [.integer(cursor.start), .integer(cursor.start), .text(cursor.id)]
        }
        statement.sql += " ORDER BY starts_at, id LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }
}

/// The cursor of a page of shifts or visits: the last one's start (in milliseconds) and ID.
struct StartCursor {
    let start: Int64
    let id: String

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let start = Int64(parts[0]) else { return nil }
        self.start = start
        self.id = String(parts[1])
    }

    /// The cursor after an item that starts at `start`.
    static func key(start: Date, id: String) -> String { "\(start.millisecondsSince1970):\(id)" }
}
