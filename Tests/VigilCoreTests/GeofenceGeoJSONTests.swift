import Foundation
import Testing
@testable import VigilCore

struct GeofenceGeoJSONTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    private func point(_ longitude: Double, _ latitude: Double) -> GeoPoint {
        GeoPoint(latitude: latitude, longitude: longitude)
    }

    /// A square about Chicago, clockwise, with a counter-clockwise hole.
    private let clockwiseWithHole = """
        {"type": "Feature", "id": 7, "properties": {"name": "Mercy", "floors": [1, 2], "meta": {"open": true, "note": null}},
         "geometry": {"type": "Polygon", "coordinates": [
            [[-87.64, 41.87, 180.5], [-87.64, 41.89, 181], [-87.62, 41.89, 180], [-87.62, 41.87, 179], [-87.64, 41.87, 180.5]],
            [[-87.635, 41.875], [-87.625, 41.875], [-87.625, 41.885], [-87.635, 41.885], [-87.635, 41.875]]]}}
        """

    @Test func featuresDecodeWithTheirIdentifiersAndProperties() throws {
        let feature = try decode(GeoJSON.Feature.self, clockwiseWithHole)
        #expect(feature.id == "7")
        #expect(feature.properties["name"] == .string("Mercy"))
        #expect(feature.properties["floors"] == .array([.number(1), .number(2)]))
        #expect(feature.properties["meta"] == .object(["open": .bool(true), "note": .null]))
        let collection = try decode(
            GeoJSON.FeatureCollection.self,
            #"{"type": "FeatureCollection", "features": [{"type": "Feature", "id": "north", "properties": null, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}"#)
        #expect(collection.features == [GeoJSON.Feature(id: "north", geometry: .point(point(1, 2)))])
    }

    @Test func altitudeIsIgnoredAndWindingNormalized() throws {
        let feature = try decode(GeoJSON.Feature.self, clockwiseWithHole)
        guard case .rings(let rings) = feature.geometry.coordinates else { Issue.record("not rings"); return }
        #expect(rings[0][0] == point(-87.64, 41.87))
        let shape = try FenceShape(feature: feature)
        guard case .polygons(let polygons) = shape else { Issue.record("not a polygon"); return }
        let frame = shape.projection
        #expect(FenceValidator.signedArea(polygons[0].exterior.map(frame.project)) > 0)
        #expect(FenceValidator.signedArea(polygons[0].holes[0].map(frame.project)) < 0)
        #expect(polygons[0].exterior.first == point(-87.64, 41.87))
        #expect(polygons[0].exterior.count == 4)
        #expect(shape.relation(of: point(-87.638, 41.88), accuracyMeters: 10, marginMeters: 0) == .within)
        #expect(shape.relation(of: point(-87.63, 41.88), accuracyMeters: 10, marginMeters: 0) == .clear)
    }

    @Test func shapesRoundTrip() throws {
        let circle = #"{"type": "Feature", "properties": {"radius": 250}, "geometry": {"type": "Point", "coordinates": [-87.63, 41.88]}}"#
        let multi = """
            {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
              [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]],
              [[[0.02, 0], [0.02, 0.01], [0.03, 0.01], [0.03, 0], [0.02, 0]]]]}}
            """
        for json in [clockwiseWithHole, circle, multi] {
            let shape = try FenceShape(feature: try decode(GeoJSON.Feature.self, json))
            let (geometry, radius) = shape.geoJSON
            let encoded = try JSONEncoder().encode(GeoJSON.Feature(geometry: geometry, properties: radius.map { ["radius": .number($0)] } ?? [:]))
            let decoded = try JSONDecoder().decode(GeoJSON.Feature.self, from: encoded)
            #expect(decoded.geometry == geometry)
            let again = try FenceShape(feature: decoded)
            #expect(again == shape)
            #expect(again.geoJSON.geometry == geometry)
        }
        let normalized = try FenceShape(feature: try decode(GeoJSON.Feature.self, multi))
        guard case .polygons(let parts) = normalized else { Issue.record("not polygons"); return }
        #expect(parts.count == 2)
        #expect(parts[1].exterior[1] == point(0.03, 0))
        #expect(normalized.geoJSON.radiusMeters == nil)
    }

    @Test func unknownGeometryTypesAreRefused() throws {
        #expect(throws: DecodingError.self) {
            try decode(GeoJSON.Geometry.self, #"{"type": "Circle", "coordinates": [1, 2]}"#)
        }
        #expect(throws: DecodingError.self) { try decode(GeoJSON.Geometry.self, #"{"type": "Polygon", "coordinates": [1, 2]}"#) }
        #expect(throws: DecodingError.self) { try decode(GeoJSON.Geometry.self, #"{"type": "Point", "coordinates": [1]}"#) }
        #expect(throws: DecodingError.self) { try decode(GeoJSON.Geometry.self, #"{"type": "Point", "coordinates": [1, 2, 3, 4]}"#) }
        #expect(throws: DecodingError.self) {
            try decode(GeoJSON.Feature.self, #"{"type": "Fixture", "geometry": {"type": "Point", "coordinates": [1, 2]}}"#)
        }
        #expect(throws: DecodingError.self) {
            try decode(GeoJSON.Feature.self, #"{"type": "Feature", "id": true, "geometry": {"type": "Point", "coordinates": [1, 2]}}"#)
        }
        let line = try decode(GeoJSON.Geometry.self, #"{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}"#)
        #expect(throws: ValidationError(field: "geometry.type", message: "must be Polygon, MultiPolygon or Point (with a radius), not LineString")) {
            try FenceShape(geometry: line, radiusMeters: nil)
        }
    }

    /// A closed square ring of side `size` degrees at a corner.
    private func square(_ longitude: Double, _ latitude: Double, _ size: Double = 0.01) -> [GeoPoint] {
        [point(longitude, latitude), point(longitude + size, latitude), point(longitude + size, latitude + size),
         point(longitude, latitude + size), point(longitude, latitude)]
    }

    @Test func everyRuleNamesItsField() throws {
        let polygon = GeoJSON.Geometry.polygon
        let many = (0..<5_001).map { index in point(cos(Double(index) / 5_001 * 2 * .pi) * 0.1, sin(Double(index) / 5_001 * 2 * .pi) * 0.1) }
        let cases: [(GeoJSON.Geometry, Double?, String)] = [
            (.point(point(1, 2)), nil, "properties.radius"),
            (.point(point(1, 2)), 0, "properties.radius"),
            (.point(point(1, 2)), 50_001, "properties.radius"),
            (.point(point(1, 2)), .nan, "properties.radius"),
            (.point(point(1, 86)), 100, "geometry.coordinates"),
            (polygon([square(0, 0)]), 100, "properties.radius"),
            (GeoJSON.Geometry(type: .polygon, coordinates: .position(point(0, 0))), nil, "geometry.coordinates"),
            (polygon([]), nil, "geometry.coordinates"),
            (.multiPolygon([]), nil, "geometry.coordinates"),
            (polygon([[point(0, 0), point(0, 86), point(1, 1), point(0, 0)]]), nil, "geometry.coordinates[0][1]"),
            (polygon([[point(0, 0), point(1, 1), point(181, 1), point(0, 0)]]), nil, "geometry.coordinates[0][2]"),
            (polygon([[point(0, 0), point(.nan, 1), point(1, 1), point(0, 0)]]), nil, "geometry.coordinates[0][1]"),
            (polygon([Array(square(0, 0).dropLast()) + [point(0.005, 0)]]), nil, "geometry.coordinates[0][4]"),
            (polygon([[point(0, 0), point(1, 1), point(0, 0)]]), nil, "geometry.coordinates[0]"),
            (polygon([[point(0, 0), point(0.01, 0), point(0.01, 0), point(0, 0.01), point(0, 0)]]), nil, "geometry.coordinates[0][2]"),
            (polygon([[point(0, 0), point(0.01, 0), point(0.02, 0), point(0, 0)]]), nil, "geometry.coordinates[0]"),
            (polygon([[point(0, 0), point(0.03, 0.01), point(0.03, 0), point(0, 0.02), point(0, 0)]]), nil, "geometry.coordinates[0][2]"),
            (polygon([square(0, 0), square(0.005, 0.002)]), nil, "geometry.coordinates[1][3]"),
            (polygon([square(0, 0), square(0.02, 0.002, 0.002)]), nil, "geometry.coordinates[1]"),
            (polygon([square(0, 0), square(0.002, 0.002, 0.006), square(0.004, 0.004, 0.001)]), nil, "geometry.coordinates[2]"),
            (.multiPolygon([[square(0, 0)], [square(0.005, 0.005)]]), nil, "geometry.coordinates[1][0][3]"),
            (.multiPolygon([[square(0, 0)], [square(0.002, 0.002, 0.004)]]), nil, "geometry.coordinates[1]"),
            (.multiPolygon((0..<101).map { [square(Double($0) * 0.02, 0)] }), nil, "geometry.coordinates"),
            (polygon([many + [many[0]]]), nil, "geometry.coordinates"),
            (polygon([square(0, 0, 2)]), nil, "geometry.coordinates"),
        ]
        for (geometry, radius, field) in cases {
            do {
                _ = try FenceShape(geometry: geometry, radiusMeters: radius)
                Issue.record("accepted, expected an error at \(field): \(geometry)")
            } catch let error as ValidationError {
                #expect(error.field == field, "\(error.message)")
            }
        }
        let notANumber = GeoJSON.Feature(geometry: .point(point(1, 2)), properties: ["radius": .string("far")])
        #expect(throws: ValidationError(field: "properties.radius", message: "must be a number of meters")) {
            try FenceShape(feature: notANumber)
        }
    }

    @Test func aPolygonAcrossTheAntimeridianIsAcceptedAndClassifiedOnBothSides() throws {
        let ring = [point(179.99, -0.01), point(-179.99, -0.01), point(-179.99, 0.01), point(179.99, 0.01), point(179.99, -0.01)]
        let shape = try FenceShape(geometry: .polygon([ring]), radiusMeters: nil)
        let index = FenceIndex([shape])
        for longitude in [179.995, -179.995, 180, -180] {
            #expect(shape.relation(of: point(longitude, 0), accuracyMeters: 100, marginMeters: 0) == .within, "\(longitude)")
            #expect(index.classify(point(longitude, 0), accuracyMeters: 100, marginMeters: 25) == .inside(0), "\(longitude)")
            #expect(index.classify(point(longitude, 0), accuracyMeters: 400, marginMeters: 25) == .inside(0), "\(longitude)")
        }
        for longitude in [179.98, -179.98, 0] {
            #expect(shape.relation(of: point(longitude, 0), accuracyMeters: 100, marginMeters: 25) == .clear, "\(longitude)")
            #expect(index.classify(point(longitude, 0), accuracyMeters: 100, marginMeters: 25) == .outside, "\(longitude)")
        }
        #expect(index.classify(point(179.99, 0), accuracyMeters: 5, marginMeters: 25) == .unknown)
        let exported = shape.geoJSON.geometry
        #expect(exported == .polygon([ring]))
        #expect(try FenceShape(geometry: exported, radiusMeters: nil) == shape)
        let circle = try FenceShape(geometry: .point(point(180, 10)), radiusMeters: 2_000)
        let both = FenceIndex([circle, shape])
        #expect(both.classify(point(-179.99, 10), accuracyMeters: 10, marginMeters: 25) == .inside(0))
        #expect(both.classify(point(179.99, 10), accuracyMeters: 10, marginMeters: 25) == .inside(0))
        #expect(both.classify(point(-179.995, 0.005), accuracyMeters: 10, marginMeters: 25) == .inside(1))
    }
}
