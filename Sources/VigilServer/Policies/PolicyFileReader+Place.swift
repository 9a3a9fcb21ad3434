import Foundation
import VigilCore
import Yams

// Reading the place parts of a policy file: a policy's `conditions:` and the `fences:` section.
// Values are checked by the core types' own rules (``AccessConditions``, ``FenceDraft``), so that
// a file holds nothing the API would refuse.

extension PolicyFile {
    /// Reads `fences:`: at most ``maximumFences`` fences, each name once per facility, each
    /// checked by the rules of ``FenceDraft/init(feature:)``.
    static func fences(file node: LocatedNode) throws -> [FenceEntry] {
        try node.uniqueItems(
            maximum: maximumFences, noun: "fences", key: "name", identity: { "\($0.facility)\n\($0.draft.name)" }
        ) { item in
            try FenceEntry(file: item)
        }
    }
}

extension AccessConditions {
    /// Reads a policy's `conditions:`; ``SecurityPolicy/validated()`` checks the values.
    init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: [
            "requireInsideFacility", "requireOnShift", "outsideAfterSeconds", "outsideAfterFixes",
            "outsideMarginMeters", "staleAfterMinutes", "staleBlocksPHI", "leftBehindAfterMinutes", "leftBehindResponse",
        ])
        self.init(
            requireInsideFacility: try fields["requireInsideFacility"]?.boolean(),
            requireOnShift: try fields["requireOnShift"]?.boolean(),
            outsideAfterSeconds: try fields["outsideAfterSeconds"]?.integer(),
            outsideAfterFixes: try fields["outsideAfterFixes"]?.integer(),
            outsideMarginMeters: try fields["outsideMarginMeters"]?.integer(),
            staleAfterMinutes: try fields["staleAfterMinutes"]?.integer(),
            staleBlocksPHI: try fields["staleBlocksPHI"]?.boolean(),
            leftBehindAfterMinutes: try fields["leftBehindAfterMinutes"]?.integer(),
            leftBehindResponse: try fields["leftBehindResponse"]?.choice(LeftBehindResponse.self, noun: "a left-behind response"))
    }
}

extension PolicyFile.FenceEntry {
    /// Reads a fence: its facility's name, its name, a GeoJSON geometry and, for a Point, a
    /// radius in meters, all checked as `POST /api/v1/facilities/{id}/fences` checks a Feature.
    fileprivate init(file item: LocatedNode) throws {
        let fields = try item.mapping(
            keys: ["facility", "name", "geometry", "radius"],
            refused: [
                "id": "is assigned by the server: a fence of the file is known by its facility and its name; remove it",
                "version": "is assigned by the server, which counts each fence's changes: remove it",
            ])
        let facility = try fields.required("facility").text()
        var properties: [String: GeoJSON.Value] = ["name": .string(try fields.required("name").text())]
        let geometry = try GeoJSON.Geometry(file: try fields.required("geometry"))
        if let radius = fields["radius"] { properties["radius"] = .number(try radius.number()) }
        do {
            self.init(
                facility: try Validate.text(facility, field: "facility", maximumLength: 200),
                draft: try FenceDraft(feature: GeoJSON.Feature(geometry: geometry, properties: properties)))
        } catch let error as ValidationError {
            // The file writes a Feature's properties (`name`, `radius`) beside its geometry.
            let field = error.field.hasPrefix("properties.") ? String(error.field.dropFirst("properties.".count)) : error.field
            throw item.error(for: ValidationError(field: field, message: error.message))
        }
    }
}

extension GeoJSON.Geometry {
    /// Reads a geometry written as YAML: `type` and `coordinates` nested as the type requires,
    /// each position `[longitude, latitude]` (an altitude after them is dropped).
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: ["type", "coordinates"])
        let type = try fields.required("type").choice(GeoJSON.GeometryType.self, noun: "a GeoJSON geometry type")
        let coordinates = try fields.required("coordinates")
        func positions(_ node: LocatedNode) throws -> [GeoPoint] { try node.sequence().map { try $0.position() } }
        func rings(_ node: LocatedNode) throws -> [[GeoPoint]] { try node.sequence().map(positions) }
        switch type {
        case .point: self.init(type: type, coordinates: .position(try coordinates.position()))
        case .multiPoint, .lineString: self.init(type: type, coordinates: .positions(try positions(coordinates)))
        case .multiLineString, .polygon: self.init(type: type, coordinates: .rings(try rings(coordinates)))
        case .multiPolygon: self.init(type: type, coordinates: .polygons(try coordinates.sequence().map(rings)))
        }
    }
}

extension LocatedNode {
    /// A position, `[longitude, latitude]` or `[longitude, latitude, altitude]`; the altitude is dropped.
    fileprivate func position() throws -> GeoPoint {
        guard case .sequence(let items) = node else {
            throw error("must be a position, [longitude, latitude], not \(node.kind)")
        }
        guard (2...3).contains(items.count) else {
            throw error("must be [longitude, latitude] or [longitude, latitude, altitude], not a list of \(items.count)")
        }
        let numbers = try sequence().map { try $0.number() }
        return GeoPoint(latitude: numbers[1], longitude: numbers[0])
    }

    /// A finite number, whole or decimal.
    fileprivate func number() throws -> Double {
        guard case .scalar(let scalar) = node else { throw error("must be a number, not \(node.kind)") }
        let value: Double? =
            switch node.tagName {
            case .int: Int.construct(from: scalar).map(Double.init)
            case .float: Double.construct(from: scalar)
            default: throw error("must be a number, not \(node.kind)")
            }
        guard let value, value.isFinite else { throw error("must be a finite number") }
        return value
    }
}
