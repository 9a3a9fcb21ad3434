import Foundation
import Testing
import VigilCore
import VigilServer

/// The place parts of a policy file: a policy's `conditions:` and `fences:`, read strictly,
/// written in a fixed form, and every fault refused with its line and field.
@Suite struct PolicyFilePlaceTests {
    /// A file of one policy and the given sections.
    static func file(policy: String = "", _ sections: String = "") -> String {
        "format: vigil-policy/1\npolicies:\n  - name: baseline\n    requirements: {}\n" + policy + sections
    }

    @Test func theExampleFileHasACampusPolygonAndAClinicCircleButNoConditions() throws {
        let text = try PolicyFileTests.exampleFile()
        let file = try PolicyFile.parse(text)
        let fences = try #require(file.fences)
        #expect(fences.map(\.facility) == ["Mercy General Hospital", "Lakeside Outpatient Clinic"])
        #expect(fences.map(\.draft.name) == ["Main campus", "Clinic"])
        guard case .polygons(let parts) = fences[0].draft.shape else { return #expect(Bool(false), "a polygon") }
        #expect(parts.count == 1 && parts[0].exterior.count == 8 && parts[0].holes.isEmpty)
        // A campus a few hundred meters across, in Springfield, Illinois.
        let latitudes = parts[0].exterior.map(\.latitude)
        let longitudes = parts[0].exterior.map(\.longitude)
        let north = (latitudes.max()! - latitudes.min()!) * 111_000
        let east = (longitudes.max()! - longitudes.min()!) * 111_000 * cos(39.8 * .pi / 180)
        #expect((200...800).contains(north) && (200...800).contains(east), "\(north) m by \(east) m")
        #expect(abs(latitudes[0] - 39.80) < 0.01 && abs(longitudes[0] + 89.65) < 0.01)
        #expect(fences[1].draft.shape == .circle(center: GeoPoint(latitude: 39.7905, longitude: -89.639), radiusMeters: 150))
        // Requiring a facility would block every simulated demo device: only a commented example.
        #expect(file.policies.allSatisfy { $0.conditions == nil })
        #expect(text.contains("    # conditions: {requireInsideFacility: true}\n"))
    }

    @Test func conditionsReadAndWriteBackInAFixedOrder() throws {
        let file = try PolicyFile.parse(
            Self.file(
                policy: """
                        conditions:
                          staleBlocksPHI: false
                          requireOnShift: true
                          outsideAfterFixes: 3
                          requireInsideFacility: true
                          outsideAfterSeconds: 90
                          outsideMarginMeters: 40
                          staleAfterMinutes: 20

                    """))
        let conditions = AccessConditions(
            requireInsideFacility: true, requireOnShift: true, outsideAfterSeconds: 90, outsideAfterFixes: 3,
            outsideMarginMeters: 40, staleAfterMinutes: 20, staleBlocksPHI: false)
        #expect(file.policies[0].conditions == conditions)
        let written = file.yaml()
        #expect(
            written.contains(
                """
                  requirements: {}
                  conditions:
                    requireInsideFacility: true
                    requireOnShift: true
                    outsideAfterSeconds: 90
                    outsideAfterFixes: 3
                    outsideMarginMeters: 40
                    staleAfterMinutes: 20
                    staleBlocksPHI: false

                """), "\(written)")
        #expect(try PolicyFile.parse(written) == file)
        #expect(!written.contains("fences"), "a file without fences is written without them")

        let some = try PolicyFile.parse(Self.file(policy: "    conditions: {requireInsideFacility: true}\n"))
        #expect(some.policies[0].conditions == AccessConditions(requireInsideFacility: true))
        #expect(some.yaml().contains("  conditions:\n    requireInsideFacility: true\n"))
        let empty = try PolicyFile.parse(Self.file(policy: "    conditions: {}\n"))
        #expect(empty.policies[0].conditions == nil, "no condition is the same as none")
        #expect(!empty.yaml().contains("conditions"))
    }

    @Test func fencesWrittenInFlowStyleReadAndWriteBackOnePositionALine() throws {
        let file = try PolicyFile.parse(
            Self.file(
                """
                fences:
                  - facility: "  Mercy General Hospital "
                    name: Main campus
                    geometry:
                      type: Polygon
                      coordinates: [[[-89.6512, 39.8017], [-89.6471, 39.8017], [-89.6471, 39.8049], [-89.6512, 39.8049], [-89.6512, 39.8017]]]
                  - facility: Lakeside Outpatient Clinic
                    name: Clinic
                    geometry: {type: Point, coordinates: [-89.6390, 39.7905, 180.5]}
                    radius: 120
                """))
        let fences = try #require(file.fences)
        #expect(fences[0].facility == "Mercy General Hospital", "trimmed, as the server trims names")
        #expect(fences[1].draft.shape == .circle(center: GeoPoint(latitude: 39.7905, longitude: -89.639), radiusMeters: 120))
        let written = file.yaml()
        #expect(
            written.hasSuffix(
                """

                fences:
                - facility: Mercy General Hospital
                  name: Main campus
                  geometry:
                    type: Polygon
                    coordinates:
                    - - [-89.6512, 39.8017]
                      - [-89.6471, 39.8017]
                      - [-89.6471, 39.8049]
                      - [-89.6512, 39.8049]
                      - [-89.6512, 39.8017]

                - facility: Lakeside Outpatient Clinic
                  name: Clinic
                  geometry:
                    type: Point
                    coordinates: [-89.639, 39.7905]
                  radius: 120

                """), "\(written)")
        #expect(try PolicyFile.parse(written) == file)
        #expect(try PolicyFile.parse(written).yaml() == written)
    }

    @Test func aShapeIsReadAsTheCoreNormalizesIt() throws {
        // Clockwise, as some tools draw it: the same fence as counter-clockwise.
        func shape(_ ring: String) throws -> FenceShape? {
            let yaml = Self.file(
                "fences:\n  - {facility: F, name: N, geometry: {type: Polygon, coordinates: [\(ring)]}}\n")
            return try PolicyFile.parse(yaml).fences?.first?.draft.shape
        }
        let counterClockwise = try shape("[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]")
        let clockwise = try shape("[[0, 0], [0, 0.001], [0.001, 0.001], [0.001, 0], [0, 0]]")
        #expect(counterClockwise != nil && clockwise == counterClockwise)

        // A MultiPolygon with a hole, and numbers too small or too precise for plain decimals.
        let multi = try PolicyFile.parse(
            Self.file(
                """
                fences:
                  - facility: F
                    name: Two sites
                    geometry:
                      type: MultiPolygon
                      coordinates:
                        - [[[0.00001, 0], [0.004, 0], [0.004, 0.004], [0, 0.004], [0.00001, 0]], [[0.001, 0.001], [0.001, 0.002], [0.002, 0.002], [0.002, 0.001], [0.001, 0.001]]]
                        - [[[0.01, 0.01], [0.0112345678901234, 0.01], [0.011, 0.011], [0.01, 0.01]]]
                """))
        guard case .polygons(let parts) = multi.fences?.first?.draft.shape else { return #expect(Bool(false)) }
        #expect(parts.count == 2 && parts[0].holes.count == 1)
        let written = multi.yaml()
        #expect(written.contains("[1e-05, 0]") && written.contains("0.0112345678901234"), "\(written)")
        #expect(try PolicyFile.parse(written) == multi)
    }

    @Test func theSameFenceNameMayServeTwoFacilities() throws {
        let file = try PolicyFile.parse(
            Self.file(
                """
                fences:
                  - {facility: A, name: Main, geometry: {type: Point, coordinates: [0, 0]}, radius: 50}
                  - {facility: B, name: Main, geometry: {type: Point, coordinates: [1, 1]}, radius: 50}
                """))
        #expect(file.fences?.map(\.facility) == ["A", "B"])
        #expect(try PolicyFile.parse(Self.file("fences: []\n")).fences == [])
    }

    typealias Fault = PolicyFileTests.Fault

    /// Lines 1 to 4 are the format and a policy; sections start on line 5.
    static let faults: [Fault] = [
        Fault(
            testDescription: "unknown condition",
            yaml: file(policy: "    conditions:\n      requireInsideFacility: true\n      requireInside: true\n"),
            line: 7, field: "policies[0].conditions.requireInside", message: "is not a known key; use one of requireInsideFacility"),
        Fault(
            testDescription: "condition out of range",
            yaml: file(policy: "    conditions:\n      staleAfterMinutes: 0\n"),
            line: 6, field: "policies[0].conditions.staleAfterMinutes", message: "must be between 1 and 1440"),
        Fault(
            testDescription: "condition of the wrong type",
            yaml: file(policy: "    conditions:\n      requireOnShift: \"yes\"\n"),
            line: 6, field: "policies[0].conditions.requireOnShift", message: "must be true or false, not text"),
        Fault(
            testDescription: "conditions not a mapping",
            yaml: file(policy: "    conditions: [requireInsideFacility]\n"),
            line: 5, field: "policies[0].conditions", message: "must be a mapping"),
        Fault(
            testDescription: "unknown fence key",
            yaml: file("fences:\n  - facility: F\n    name: N\n    shape: {type: Point, coordinates: [0, 0]}\n"),
            line: 8, field: "fences[0].shape", message: "is not a known key; use one of facility, name, geometry, radius"),
        Fault(
            testDescription: "a fence's id is the server's",
            yaml: file("fences:\n  - facility: F\n    id: fen_01\n"),
            line: 7, field: "fences[0].id", message: "known by its facility and its name"),
        Fault(
            testDescription: "a fence's version is the server's",
            yaml: file("fences:\n  - facility: F\n    version: 2\n"),
            line: 7, field: "fences[0].version", message: "is assigned by the server"),
        Fault(
            testDescription: "missing facility",
            yaml: file("fences:\n  - name: N\n    geometry: {type: Point, coordinates: [0, 0]}\n    radius: 5\n"),
            line: 6, field: "fences[0].facility", message: "is required"),
        Fault(
            testDescription: "blank facility",
            yaml: file("fences:\n  - facility: \" \"\n    name: N\n    geometry: {type: Point, coordinates: [0, 0]}\n    radius: 5\n"),
            line: 6, field: "fences[0].facility", message: "must not be empty"),
        Fault(
            testDescription: "missing geometry",
            yaml: file("fences:\n  - facility: F\n    name: N\n"),
            line: 6, field: "fences[0].geometry", message: "is required"),
        Fault(
            testDescription: "unknown geometry type",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Circle\n      coordinates: [0, 0]\n"),
            line: 9, field: "fences[0].geometry.type", message: "'Circle' is not a GeoJSON geometry type; use one of Point"),
        Fault(
            testDescription: "a geometry that bounds nothing",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: LineString\n      coordinates: [[0, 0], [1, 1]]\n"),
            line: 9, field: "fences[0].geometry.type", message: "must be Polygon, MultiPolygon or Point (with a radius)"),
        Fault(
            testDescription: "unknown geometry key",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry: {type: Point, coordinates: [0, 0], crs: x}\n"),
            line: 8, field: "fences[0].geometry.crs", message: "is not a known key"),
        Fault(
            testDescription: "a repeated vertex, named by its line",
            yaml: file(
                """
                fences:
                  - facility: F
                    name: N
                    geometry:
                      type: Polygon
                      coordinates:
                        - - [0, 0]
                          - [0.001, 0]
                          - [0.001, 0.001]
                          - [0.001, 0.001]
                          - [0, 0.001]
                          - [0, 0]
                """),
            line: 14, field: "fences[0].geometry.coordinates[0][3]", message: "repeats the previous position"),
        Fault(
            testDescription: "an open ring",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Polygon\n      coordinates:\n        - [[0, 0], [1, 0], [1, 1], [0, 1]]\n"),
            line: 11, field: "fences[0].geometry.coordinates[0][3]", message: "a ring is closed"),
        Fault(
            testDescription: "a position of one number",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Point\n      coordinates: [0]\n    radius: 5\n"),
            line: 10, field: "fences[0].geometry.coordinates", message: "must be [longitude, latitude] or [longitude, latitude, altitude], not a list of 1"),
        Fault(
            testDescription: "a position of text",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Point\n      coordinates: [\"0\", 0]\n    radius: 5\n"),
            line: 10, field: "fences[0].geometry.coordinates[0]", message: "must be a number, not text"),
        Fault(
            testDescription: "a polygon's coordinates nested as a Point's",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Polygon\n      coordinates: [0, 0]\n"),
            line: 10, field: "fences[0].geometry.coordinates[0]", message: "must be a list, not a whole number"),
        Fault(
            testDescription: "a latitude out of range",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Point\n      coordinates: [0, 89.5]\n    radius: 5\n"),
            line: 10, field: "fences[0].geometry.coordinates", message: "latitude must be between -85 and 85"),
        Fault(
            testDescription: "an infinite coordinate",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry:\n      type: Point\n      coordinates: [.inf, 0]\n    radius: 5\n"),
            line: 10, field: "fences[0].geometry.coordinates[0]", message: "must be a finite number"),
        Fault(
            testDescription: "a circle without a radius",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry: {type: Point, coordinates: [0, 0]}\n"),
            line: 6, field: "fences[0].radius", message: "is required for a Point"),
        Fault(
            testDescription: "a circle of no radius",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry: {type: Point, coordinates: [0, 0]}\n    radius: 0\n"),
            line: 9, field: "fences[0].radius", message: "must be more than 0 and at most 50000 meters"),
        Fault(
            testDescription: "a radius as text",
            yaml: file("fences:\n  - facility: F\n    name: N\n    geometry: {type: Point, coordinates: [0, 0]}\n    radius: 10 m\n"),
            line: 9, field: "fences[0].radius", message: "must be a number, not text"),
        Fault(
            testDescription: "a polygon with a radius",
            yaml: file(
                "fences:\n  - facility: F\n    name: N\n    radius: 10\n    geometry: {type: Polygon, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]]}\n"),
            line: 8, field: "fences[0].radius", message: "must be left out for a Polygon"),
        Fault(
            testDescription: "a blank fence name",
            yaml: file("fences:\n  - facility: F\n    name: \"\"\n    geometry: {type: Point, coordinates: [0, 0]}\n    radius: 5\n"),
            line: 7, field: "fences[0].name", message: "must not be empty"),
        Fault(
            testDescription: "a fence name repeated within a facility",
            yaml: file(
                """
                fences:
                  - {facility: F, name: Main, geometry: {type: Point, coordinates: [0, 0]}, radius: 5}
                  - {facility: G, name: Main, geometry: {type: Point, coordinates: [0, 0]}, radius: 5}
                  - {facility: F, name: Main, geometry: {type: Point, coordinates: [1, 1]}, radius: 5}
                """),
            line: 8, field: "fences[2].name", message: "is already the name of fences[0]"),
        Fault(
            testDescription: "fences not a list",
            yaml: file("fences:\n  facility: F\n"),
            line: 5, field: "fences", message: "must be a list"),
    ]

    @Test(arguments: faults)
    func aFaultNamesItsLineAndField(_ fault: Fault) throws {
        try fault.expectRefused()
    }
}
