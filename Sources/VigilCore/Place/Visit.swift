import Foundation

/// A home-care visit (`docs/geofencing.md`, "Home visits"): during its time window, at its place,
/// the nurse may reach PHI for this one patient, and only this patient's.
///
/// The place is a patient's home and the patient reference identifies them: both are PHI, shown
/// only to the nurse and to those who manage visits, and never written to logs or audit reasons.
public struct Visit: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "vis"

    /// Unique identifier.
    public let id: VisitID
    /// The nurse.
    public let personID: PersonID
    /// The patient, as the hospital's record system names them, such as `Patient/123` or an MRN.
    public let patient: String
    /// Where the visit takes place: a point with a radius, or a polygon.
    public let place: FenceShape
    /// When it starts.
    public let startsAt: Date
    /// When it ends.
    public let endsAt: Date
    /// When it was recorded.
    public let createdAt: Date
    /// When it was cancelled, if it was.
    public var cancelledAt: Date?

    /// Describes a visit.
    public init(
        id: VisitID, personID: PersonID, patient: String, place: FenceShape, startsAt: Date, endsAt: Date,
        createdAt: Date, cancelledAt: Date? = nil
    ) {
        self.id = id
        self.personID = personID
        self.patient = patient
        self.place = place
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdAt = createdAt
        self.cancelledAt = cancelledAt
    }

    /// Whether the visit is in progress at `time`.
    public func isInProgress(at time: Date) -> Bool { cancelledAt == nil && startsAt <= time && time < endsAt }

    /// The longest visit: 12 hours.
    public static let maximumDuration: TimeInterval = 43_200

    private enum CodingKeys: String, CodingKey { case id, personID, patient, place, startsAt, endsAt, createdAt, cancelledAt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(VisitID.self, forKey: .id)
        personID = try container.decode(PersonID.self, forKey: .personID)
        patient = try container.decode(String.self, forKey: .patient)
        place = try FenceShape(feature: try container.decode(GeoJSON.Feature.self, forKey: .place))
        startsAt = try container.decode(Date.self, forKey: .startsAt)
        endsAt = try container.decode(Date.self, forKey: .endsAt)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        cancelledAt = try container.decodeIfPresent(Date.self, forKey: .cancelledAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(personID, forKey: .personID)
        try container.encode(patient, forKey: .patient)
        try container.encode(place.feature(), forKey: .place)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(cancelledAt, forKey: .cancelledAt)
    }
}

/// The identifier of a ``Visit``.
public typealias VisitID = Identifier<Visit>

/// A visit as it is scheduled.
public struct VisitDraft: Codable, Sendable {
    /// The nurse.
    public var personID: PersonID
    /// The patient reference.
    public var patient: String
    /// The place, as a GeoJSON Feature: a Point with a `radius` property in meters, or a Polygon.
    public var place: GeoJSON.Feature
    /// When it starts.
    public var startsAt: Date
    /// When it ends.
    public var endsAt: Date

    /// Describes a draft.
    public init(personID: PersonID, patient: String, place: GeoJSON.Feature, startsAt: Date, endsAt: Date) {
        self.personID = personID
        self.patient = patient
        self.place = place
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Checks the draft and makes the visit.
    /// - Parameter now: When it is recorded.
    /// - Throws: ``ValidationError`` naming the field at fault (`place.geometry…` for the place).
    public func visit(at now: Date) throws -> Visit {
        let patient = try Validate.text(patient, field: "patient", maximumLength: 128)
        let place = try ValidationError.prefixing("place") { try FenceShape(feature: self.place) }
        let (start, end) = try TimeWindow.validated(startsAt, endsAt, maximumDuration: Visit.maximumDuration, longest: "12 hours")
        return Visit(id: .generate(at: now), personID: personID, patient: patient, place: place, startsAt: start, endsAt: end, createdAt: now)
    }
}
