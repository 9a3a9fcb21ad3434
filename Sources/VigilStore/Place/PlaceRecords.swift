import Foundation
import VigilCore

// Conversions between place records and their columns, shared by both backends.

extension Fence {
    /// Reads the columns of ``PlaceSQL/fenceColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), facilityID: try row.identifier(1), name: try row.text(2),
            shape: try FenceShape(stored: row.text(4), column: "fences.feature"),
            version: Int(try row.integer(3)), createdAt: try row.date(5), updatedAt: try row.date(6))
    }
}

extension FenceShape {
    /// Reads a shape kept as a GeoJSON Feature in `column`.
    /// - Throws: ``StoreError/corruptRecord(_:)`` when it is not a valid shape.
    init(stored text: String, column: String) throws {
        let feature = try StoredJSON.decode(GeoJSON.Feature.self, from: text, column: column)
        guard let shape = try? FenceShape(feature: feature) else { throw StoreError.corruptRecord(column) }
        self = shape
    }
}

extension DevicePlace {
    /// Reads the columns of ``PlaceSQL/placeColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            deviceID: try row.identifier(0), state: try row.enumeration(1, column: "device_places.state"),
            facilityID: try row.optionalIdentifier(2), fenceID: try row.optionalIdentifier(3),
            visitID: try row.optionalIdentifier(4), visitUntil: try row.optionalDate(5), changedAt: try row.date(6),
            lastFixAt: try row.date(7), outsideSince: try row.optionalDate(8), outsideFixes: Int(try row.integer(9)),
            outsideAt: try row.optionalDate(10), revision: try row.integer(11))
    }
}

extension PlaceTransition {
    /// Reads the columns of ``PlaceSQL/transitions(deviceID:_:)``, with the page key.
    static func decode(stored row: some StoredRow) throws -> (transition: PlaceTransition, key: String) {
        let transition = PlaceTransition(
            deviceID: try row.identifier(0), from: try row.optionalEnumeration(3, column: "place_transitions.from_state"),
            to: try row.enumeration(4, column: "place_transitions.to_state"), facilityID: try row.optionalIdentifier(5),
            visitID: try row.optionalIdentifier(6), at: try row.date(7))
        return (transition, String(try row.integer(1) * PlaceSQL.transitionsPerRevision + row.integer(2)))
    }
}

extension LocationFix {
    /// Reads the columns of ``PlaceSQL/fixes(deviceID:_:)``: the accuracy kept is the normalized one.
    init(stored row: some StoredRow) throws {
        self.init(
            latitude: Double(try row.integer(1)) / 1e7, longitude: Double(try row.integer(2)) / 1e7,
            accuracyMeters: Double(try row.integer(3)) / 100, confidence: LocationFix.normalizedConfidence,
            recordedAt: try row.date(0), source: try row.enumeration(4, column: "location_fixes.source"))
    }
}

extension Shift {
    /// Reads the columns of ``PlaceSQL/shiftColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), personID: try row.identifier(1), facilityID: try row.identifier(2),
            unit: try row.optionalText(3), startsAt: try row.date(4), endsAt: try row.date(5),
            graceBeforeMinutes: Int(try row.integer(6)), graceAfterMinutes: Int(try row.integer(7)),
            createdAt: try row.date(8))
    }
}

extension Visit {
    /// Reads the columns of ``PlaceSQL/visitColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), personID: try row.identifier(1), patient: try row.text(2),
            place: try FenceShape(stored: row.text(3), column: "visits.place"),
            startsAt: try row.date(4), endsAt: try row.date(5), createdAt: try row.date(6),
            cancelledAt: try row.optionalDate(7))
    }
}

/// Adds to evaluation subjects what the place and shift inputs need: the places of their
/// people's devices, the shifts covering the time, the visits in progress.
enum PlaceFacts {
    /// The people of `subjects`, each once.
    static func people(of subjects: [EvaluationSubject]) -> [PersonID] {
        Array(Set(subjects.map(\.device.personID))).sorted()
    }

    /// The statements to run for the people of a page of subjects (none for an empty page).
    static func statements(for people: [PersonID], at now: Date) -> (places: SQLStatement, shifts: SQLStatement, visits: SQLStatement)? {
        guard !people.isEmpty else { return nil }
        return (
            PlaceSQL.places(ofPeople: people), PlaceSQL.shiftsCovering(now, people: people),
            PlaceSQL.visitsInProgress(people: people, at: now)
        )
    }

    /// Reads a row of ``PlaceSQL/places(ofPeople:)``: the place and its device's person.
    static func personPlace(stored row: some StoredRow) throws -> (PersonID, DevicePlace) {
        (try row.identifier(12), try DevicePlace(stored: row))
    }

    /// Gives each subject the facts of its person.
    static func attach(
        places: [(PersonID, DevicePlace)], shifts: [Shift], visits: [Visit], to subjects: [EvaluationSubject]
    ) -> [EvaluationSubject] {
        let placesByPerson = Dictionary(grouping: places, by: \.0).mapValues { $0.map(\.1) }
        let shiftsByPerson = Dictionary(grouping: shifts, by: \.personID)
        let visitsByPerson = Dictionary(grouping: visits, by: \.personID)
        return subjects.map { subject in
            var subject = subject
            let person = subject.device.personID
            subject.places = placesByPerson[person] ?? []
            subject.shifts = shiftsByPerson[person] ?? []
            subject.visits = visitsByPerson[person] ?? []
            return subject
        }
    }
}
