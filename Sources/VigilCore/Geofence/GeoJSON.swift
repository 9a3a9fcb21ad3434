/// GeoJSON (RFC 7946) types, Codable and strict: an unknown geometry type or a malformed position
/// is refused with a decoding error at its path. Positions may carry a third number (altitude),
/// which is ignored; members other than the ones named here are ignored, as RFC 7946 allows.
public enum GeoJSON {
    /// The geometry types of RFC 7946 §3.1 that carry coordinates.
    public enum GeometryType: String, Codable, Sendable, CaseIterable {
        /// One position.
        case point = "Point"
        /// Several positions.
        case multiPoint = "MultiPoint"
        /// A line through two or more positions.
        case lineString = "LineString"
        /// Several lines.
        case multiLineString = "MultiLineString"
        /// Closed rings: an exterior and holes.
        case polygon = "Polygon"
        /// Several polygons.
        case multiPolygon = "MultiPolygon"

        /// How deeply the coordinates of this type nest positions.
        var depth: Int {
            switch self {
            case .point: 0
            case .multiPoint, .lineString: 1
            case .multiLineString, .polygon: 2
            case .multiPolygon: 3
            }
        }
    }

    /// The `coordinates` member, nested as its geometry type requires.
    public enum Coordinates: Sendable, Equatable {
        /// A Point's position.
        case position(GeoPoint)
        /// The positions of a MultiPoint or a LineString.
        case positions([GeoPoint])
        /// The lines of a MultiLineString or the rings of a Polygon.
        case rings([[GeoPoint]])
        /// The polygons of a MultiPolygon.
        case polygons([[[GeoPoint]]])

        /// How deeply these coordinates nest positions.
        var depth: Int {
            switch self {
            case .position: 0
            case .positions: 1
            case .rings: 2
            case .polygons: 3
            }
        }
    }

    /// A geometry object: its type and its coordinates.
    public struct Geometry: Codable, Sendable, Equatable {
        /// The geometry type.
        public var type: GeometryType
        /// The coordinates, nested as `type` requires.
        public var coordinates: Coordinates

        /// Describes a geometry; `coordinates` should nest as `type` requires (decoding checks it,
        /// ``FenceShape/init(geometry:radiusMeters:)`` too).
        /// - Parameters:
        ///   - type: The geometry type.
        ///   - coordinates: Its coordinates.
        public init(type: GeometryType, coordinates: Coordinates) {
            self.type = type
            self.coordinates = coordinates
        }

        /// A Point.
        /// - Parameter position: Its position.
        /// - Returns: The geometry.
        public static func point(_ position: GeoPoint) -> Geometry {
            Geometry(type: .point, coordinates: .position(position))
        }

        /// A Polygon.
        /// - Parameter rings: Closed rings, the exterior first.
        /// - Returns: The geometry.
        public static func polygon(_ rings: [[GeoPoint]]) -> Geometry {
            Geometry(type: .polygon, coordinates: .rings(rings))
        }

        /// A MultiPolygon.
        /// - Parameter polygons: The polygons' closed rings, each exterior first.
        /// - Returns: The geometry.
        public static func multiPolygon(_ polygons: [[[GeoPoint]]]) -> Geometry {
            Geometry(type: .multiPolygon, coordinates: .polygons(polygons))
        }

        private enum CodingKeys: String, CodingKey {
            case type, coordinates
        }

        /// Reads a geometry object.
        /// - Throws: `DecodingError` for an unknown type or coordinates that do not nest as it requires.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let name = try container.decode(String.self, forKey: .type)
            guard let type = GeometryType(rawValue: name) else {
                let known = GeometryType.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container,
                    debugDescription: "unknown geometry type \"\(name)\": expected one of \(known)")
            }
            self.type = type
            switch type.depth {
            case 0: coordinates = .position(try container.decode(Position.self, forKey: .coordinates).point)
            case 1: coordinates = .positions(try container.decode([Position].self, forKey: .coordinates).map(\.point))
            case 2: coordinates = .rings(try container.decode([[Position]].self, forKey: .coordinates).map { $0.map(\.point) })
            default:
                coordinates = .polygons(
                    try container.decode([[[Position]]].self, forKey: .coordinates).map { $0.map { $0.map(\.point) } })
            }
        }

        /// Writes the geometry object, positions as `[longitude, latitude]`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            switch coordinates {
            case .position(let point): try container.encode(Position(point), forKey: .coordinates)
            case .positions(let points): try container.encode(points.map(Position.init), forKey: .coordinates)
            case .rings(let rings): try container.encode(rings.map { $0.map(Position.init) }, forKey: .coordinates)
            case .polygons(let polygons):
                try container.encode(polygons.map { $0.map { $0.map(Position.init) } }, forKey: .coordinates)
            }
        }
    }

    /// A Feature: a geometry with an identifier and properties.
    public struct Feature: Codable, Sendable, Equatable {
        /// Always `"Feature"`.
        public var type: String { "Feature" }
        /// The identifier, a string or a number (kept as its decimal text).
        public var id: String?
        /// The geometry.
        public var geometry: Geometry
        /// The properties: a JSON object of any values (empty when `null`).
        public var properties: [String: Value]

        /// Describes a feature.
        /// - Parameters:
        ///   - id: The identifier, if any.
        ///   - geometry: The geometry.
        ///   - properties: The properties.
        public init(id: String? = nil, geometry: Geometry, properties: [String: Value] = [:]) {
            self.id = id
            self.geometry = geometry
            self.properties = properties
        }

        private enum CodingKeys: String, CodingKey {
            case type, id, geometry, properties
        }

        /// Reads a Feature.
        /// - Throws: `DecodingError` when `type` is not `"Feature"`, the id is neither a string nor
        ///   a number, or the geometry is missing.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try GeoJSON.expect("Feature", in: container, key: .type)
            if try !container.contains(.id) || container.decodeNil(forKey: .id) {
                id = nil
            } else if let text = try? container.decode(String.self, forKey: .id) {
                id = text
            } else if let number = try? container.decode(Int.self, forKey: .id) {
                id = String(number)
            } else if let number = try? container.decode(Double.self, forKey: .id) {
                id = String(number)
            } else {
                throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "must be a string or a number")
            }
            geometry = try container.decode(Geometry.self, forKey: .geometry)
            properties = try container.decodeIfPresent([String: Value].self, forKey: .properties) ?? [:]
        }

        /// Writes the Feature; the id, if any, as a string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encode(geometry, forKey: .geometry)
            try container.encode(properties, forKey: .properties)
        }
    }

    /// A FeatureCollection.
    public struct FeatureCollection: Codable, Sendable, Equatable {
        /// Always `"FeatureCollection"`.
        public var type: String { "FeatureCollection" }
        /// The features.
        public var features: [Feature]

        /// Describes a collection.
        /// - Parameter features: The features.
        public init(features: [Feature]) {
            self.features = features
        }

        private enum CodingKeys: String, CodingKey {
            case type, features
        }

        /// Reads a FeatureCollection.
        /// - Throws: `DecodingError` when `type` is not `"FeatureCollection"` or a feature is malformed.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try GeoJSON.expect("FeatureCollection", in: container, key: .type)
            features = try container.decode([Feature].self, forKey: .features)
        }

        /// Writes the FeatureCollection.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(features, forKey: .features)
        }
    }

    /// Refuses an object whose `type` member is not `expected`.
    private static func expect<Key: CodingKey>(_ expected: String, in container: KeyedDecodingContainer<Key>, key: Key) throws {
        let type = try container.decode(String.self, forKey: key)
        guard type == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "must be \"\(expected)\", not \"\(type)\"")
        }
    }
}
