import Foundation

/// A fence of a facility (`docs/geofencing.md`, "Fences"): a polygon (holes allowed), several
/// polygons, or a circle. A campus has several, one per building or site.
public struct Fence: IdentifiedEntity, Sendable, Equatable {
    public static let identifierPrefix = "fen"

    /// Unique identifier.
    public let id: FenceID
    /// The facility it bounds.
    public let facilityID: FacilityID
    /// What staff call it, such as `Main building`.
    public var name: String
    /// Its shape.
    public var shape: FenceShape
    /// 1 when created, and one more at every change.
    public var version: Int
    /// When it was created.
    public let createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// Describes a fence.
    public init(
        id: FenceID, facilityID: FacilityID, name: String, shape: FenceShape, version: Int, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.facilityID = facilityID
        self.name = name
        self.shape = shape
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The most fences an organization may have.
    public static let maximumCount = 10_000

    /// The fence as a GeoJSON Feature: its ID, and `name`, `facilityID`, `version` (and `radius`
    /// for a circle) among the properties.
    public var feature: GeoJSON.Feature {
        shape.feature(
            id: id.rawValue,
            properties: ["name": .string(name), "facilityID": .string(facilityID.rawValue), "version": .number(Double(version))])
    }
}

/// The identifier of a ``Fence``.
public typealias FenceID = Identifier<Fence>

/// A fence as an administrator draws it: a GeoJSON Feature whose `name` property names it.
public struct FenceDraft: Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its shape.
    public var shape: FenceShape

    /// Reads a draft from a GeoJSON Feature: a Polygon, a MultiPolygon, or a Point with a `radius`
    /// property in meters; the `name` property is required.
    /// - Throws: ``ValidationError`` naming the field at fault, such as `properties.name` or
    ///   `geometry.coordinates[0][3]`.
    public init(feature: GeoJSON.Feature) throws {
        guard case .string(let name)? = feature.properties["name"] else {
            throw ValidationError(field: "properties.name", message: "must name the fence, such as \"Main building\"")
        }
        self.name = try Validate.text(name, field: "properties.name", maximumLength: 100)
        self.shape = try FenceShape(feature: feature)
    }

    /// Describes a draft already checked.
    public init(name: String, shape: FenceShape) {
        self.name = name
        self.shape = shape
    }

    /// The new fence.
    public func fence(of facility: FacilityID, at now: Date) -> Fence {
        Fence(id: .generate(at: now), facilityID: facility, name: name, shape: shape, version: 1, createdAt: now, updatedAt: now)
    }
}

extension FenceShape {
    /// The shape as a GeoJSON Feature, a circle's radius among its properties.
    /// - Parameters:
    ///   - id: The Feature's ID.
    ///   - properties: Its other properties.
    public func feature(id: String? = nil, properties: [String: GeoJSON.Value] = [:]) -> GeoJSON.Feature {
        let (geometry, radius) = geoJSON
        var properties = properties
        if let radius { properties["radius"] = .number(radius) }
        return GeoJSON.Feature(id: id, geometry: geometry, properties: properties)
    }
}
