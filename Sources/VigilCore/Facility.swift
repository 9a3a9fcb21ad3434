import Foundation

/// A hospital, clinic or other site: the place PHI access is tied to.
public struct Facility: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "fac"

    /// Unique, immutable identifier.
    public let id: FacilityID
    /// Name as staff know it.
    public var name: String
    /// Postal address, one free-text field.
    public var address: String
    /// IANA time zone identifier, such as `America/Chicago`; shifts are local to it.
    public var timeZone: String
    /// When the record was created.
    public let createdAt: Date
    /// When the record last changed.
    public var updatedAt: Date

    /// Creates a facility record.
    public init(id: FacilityID, name: String, address: String, timeZone: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.address = address
        self.timeZone = timeZone
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The identifier of a ``Facility``.
public typealias FacilityID = Identifier<Facility>
