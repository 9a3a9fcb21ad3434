import Foundation

/// Someone Vigil knows: staff, affiliated clinician, contractor or patient.
public struct Person: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "per"

    /// Unique, immutable identifier (HIPAA §164.312(a)(2)(i)).
    public let id: PersonID
    /// Full name as shown to colleagues.
    public var name: String
    /// Email address, stored lowercased; unique among people.
    public var email: String
    /// How the person is bound to the organization.
    public var affiliation: Affiliation
    /// What the person does; never empty.
    public var roles: Set<Role>
    /// The facilities the person belongs to.
    public var facilityIDs: Set<FacilityID>
    /// Whether the person may act.
    public var status: PersonStatus
    /// When the record was created.
    public let createdAt: Date
    /// When the record last changed.
    public var updatedAt: Date

    /// Creates a person record.
    public init(
        id: PersonID, name: String, email: String, affiliation: Affiliation, roles: Set<Role>,
        facilityIDs: Set<FacilityID>, status: PersonStatus, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.affiliation = affiliation
        self.roles = roles
        self.facilityIDs = facilityIDs
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The identifier of a ``Person``.
public typealias PersonID = Identifier<Person>
