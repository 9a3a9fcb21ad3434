extension FenceShape {
    /// The largest radius of a circular fence, in meters.
    public static let maximumRadiusMeters = 50_000.0
    /// The most vertices a shape may have, all rings of all parts together.
    public static let maximumVertices = 5_000
    /// The most parts a MultiPolygon may have.
    public static let maximumParts = 100
    /// The widest a shape may be, east–west or north–south, in meters.
    public static let maximumExtentMeters = 200_000.0
    /// How far north or south a fence may reach, in degrees (the planar frame degrades near the poles).
    public static let maximumLatitude = 85.0

    /// Reads a GeoJSON (RFC 7946) geometry as a fence: a Polygon, a MultiPolygon, or a Point with
    /// a radius (a circle; GeoJSON has no circle type, so the radius comes from the Feature's
    /// `radius` property, in meters). Validates everything and normalizes the winding: exteriors
    /// counter-clockwise, holes clockwise (either winding is accepted, as RFC 7946 asks).
    /// - Parameters:
    ///   - geometry: The geometry.
    ///   - radiusMeters: A circle's radius, 0 exclusive to 50,000 m; `nil` for a polygon.
    /// - Throws: ``ValidationError`` naming the field at fault, such as `geometry.coordinates[0][3]`
    ///   or `properties.radius`.
    public init(geometry: GeoJSON.Geometry, radiusMeters: Double?) throws {
        switch (geometry.type, geometry.coordinates) {
        case (.point, .position(let center)):
            guard let radius = radiusMeters else {
                throw ValidationError(field: "properties.radius", message: "is required for a Point: the circle's radius in meters")
            }
            guard radius.isFinite, radius > 0, radius <= Self.maximumRadiusMeters else {
                throw ValidationError(field: "properties.radius", message: "must be more than 0 and at most 50000 meters")
            }
            try FenceValidator.check(center, field: "geometry.coordinates")
            self = .circle(center: center, radiusMeters: radius)
        case (.polygon, .rings(let rings)):
            try Self.refuseRadius(radiusMeters, type: geometry.type)
            self = .polygons(try FenceValidator.polygons([rings], field: { "geometry.coordinates" + $0.dropFirst().map { "[\($0)]" }.joined() }))
        case (.multiPolygon, .polygons(let parts)):
            try Self.refuseRadius(radiusMeters, type: geometry.type)
            self = .polygons(try FenceValidator.polygons(parts, field: { "geometry.coordinates" + $0.map { "[\($0)]" }.joined() }))
        case (.point, _), (.polygon, _), (.multiPolygon, _):
            throw ValidationError(field: "geometry.coordinates", message: "must nest as a \(geometry.type.rawValue)'s coordinates do")
        default:
            throw ValidationError(
                field: "geometry.type", message: "must be Polygon, MultiPolygon or Point (with a radius), not \(geometry.type.rawValue)")
        }
    }

    /// Reads a GeoJSON Feature as a fence: its geometry, and for a Point its `radius` property.
    /// - Parameter feature: The feature.
    /// - Throws: ``ValidationError`` naming the field at fault.
    public init(feature: GeoJSON.Feature) throws {
        var radius: Double?
        if let value = feature.properties["radius"], value != .null {
            guard let number = value.number else {
                throw ValidationError(field: "properties.radius", message: "must be a number of meters")
            }
            radius = number
        }
        try self.init(geometry: feature.geometry, radiusMeters: radius)
    }

    /// The GeoJSON geometry of the shape (a circle is a Point) and, for a circle, the radius.
    /// Rings are written closed, longitudes wrapped into −180 to 180.
    public var geoJSON: (geometry: GeoJSON.Geometry, radiusMeters: Double?) {
        func wrapped(_ point: GeoPoint) -> GeoPoint {
            GeoPoint(latitude: point.latitude, longitude: LocalProjection.wrapped(point.longitude))
        }
        func closed(_ ring: [GeoPoint]) -> [GeoPoint] {
            let points = ring.map(wrapped)
            return points + points.prefix(1)
        }
        switch self {
        case .circle(let center, let radius):
            return (.point(wrapped(center)), radius)
        case .polygons(let polygons) where polygons.count == 1:
            return (.polygon(polygons[0].rings.map(closed)), nil)
        case .polygons(let polygons):
            return (.multiPolygon(polygons.map { $0.rings.map(closed) }), nil)
        }
    }

    /// Refuses a radius given for a polygon.
    private static func refuseRadius(_ radius: Double?, type: GeoJSON.GeometryType) throws {
        guard radius == nil else {
            throw ValidationError(field: "properties.radius", message: "must be left out for a \(type.rawValue): only a Point has a radius")
        }
    }
}
