/// The rules a fence's geometry must meet, checked in its planar frame.
enum FenceValidator {
    /// A field path for an index path within the coordinates: `[part, ring, vertex]`, or a prefix.
    typealias FieldPath = ([Int]) -> String

    /// Refuses a position that is not a fence's: non-finite, beyond ±85° latitude or ±180° longitude.
    static func check(_ point: GeoPoint, field: String) throws {
        guard point.latitude.isFinite, point.longitude.isFinite else {
            throw ValidationError(field: field, message: "must be finite numbers")
        }
        guard abs(point.latitude) <= FenceShape.maximumLatitude else {
            throw ValidationError(field: field, message: "latitude must be between -85 and 85 for a fence")
        }
        guard abs(point.longitude) <= 180 else {
            throw ValidationError(field: field, message: "longitude must be between -180 and 180")
        }
    }

    /// Validates the closed rings of one or more polygons and returns them open, the exteriors
    /// counter-clockwise and the holes clockwise.
    /// - Throws: ``ValidationError`` naming the part, ring or vertex at fault.
    static func polygons(_ parts: [[[GeoPoint]]], field: FieldPath) throws -> [GeoPolygon] {
        guard !parts.isEmpty else { throw ValidationError(field: field([]), message: "must have at least one polygon") }
        guard parts.count <= FenceShape.maximumParts else {
            throw ValidationError(field: field([]), message: "must have at most \(FenceShape.maximumParts) polygons")
        }
        var rings: [[[GeoPoint]]] = []
        var vertices = 0
        for (part, closedRings) in parts.enumerated() {
            guard !closedRings.isEmpty else { throw ValidationError(field: field([part]), message: "must have an exterior ring") }
            rings.append(try closedRings.enumerated().map { ring, positions in
                vertices += positions.count - 1
                guard vertices <= FenceShape.maximumVertices else {
                    throw ValidationError(field: field([]), message: "must have at most \(FenceShape.maximumVertices) vertices in all")
                }
                return try openRing(positions, field: { field([part, ring] + $0) })
            })
        }
        let projection = LocalProjection(fitting: rings.flatMap { $0 })
        let planar = rings.map { $0.map { $0.map(projection.project) } }
        try checkExtent(planar.flatMap { $0.flatMap { $0 } }, field: field([]))
        var clockwise: [[Bool]] = []
        for (part, partRings) in planar.enumerated() {
            clockwise.append(try partRings.enumerated().map { ring, points in
                for index in points.indices where points[index] == points[(index + 1) % points.count] {
                    throw ValidationError(field: field([part, ring, (index + 1) % points.count]), message: "repeats the previous position")
                }
                let area = signedArea(points)
                guard abs(area) >= 1e-6 else { throw ValidationError(field: field([part, ring]), message: "encloses no area") }
                return area < 0
            })
        }
        try RingCrossings.check(planar, field: field)
        try checkNesting(planar, field: field)
        return rings.enumerated().map { part, partRings in
            let oriented = partRings.enumerated().map { ring, points in
                clockwise[part][ring] == (ring == 0) ? reversed(points) : points
            }
            return GeoPolygon(exterior: oriented[0], holes: Array(oriented.dropFirst()))
        }
    }

    /// Checks a closed ring's positions and returns it open.
    private static func openRing(_ positions: [GeoPoint], field: FieldPath) throws -> [GeoPoint] {
        guard positions.count >= 4 else { throw ValidationError(field: field([]), message: "must have at least 4 positions") }
        for (index, point) in positions.enumerated() {
            try check(point, field: field([index]))
            if index > 0, point == positions[index - 1] {
                throw ValidationError(field: field([index]), message: "repeats the previous position")
            }
        }
        guard positions.first == positions.last else {
            throw ValidationError(field: field([positions.count - 1]), message: "must be the ring's first position again: a ring is closed")
        }
        return Array(positions.dropLast())
    }

    /// Refuses a shape wider or taller than the largest extent.
    private static func checkExtent(_ points: [SIMD2<Double>], field: String) throws {
        let low = points.reduce(SIMD2(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let high = points.reduce(SIMD2(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        let extent = (high - low).max()
        guard extent <= FenceShape.maximumExtentMeters else {
            throw ValidationError(
                field: field, message: "spans \(Int((extent / 1000).rounded())) km; a fence may span at most 200 km")
        }
    }

    /// Refuses a hole outside its exterior or inside another hole, and parts that overlap. Rings
    /// neither cross nor touch (checked before), so one vertex tells where a whole ring lies.
    private static func checkNesting(_ planar: [[[SIMD2<Double>]]], field: FieldPath) throws {
        for (part, rings) in planar.enumerated() {
            for hole in rings.indices.dropFirst() {
                guard contains(rings[0], rings[hole][0]) else {
                    throw ValidationError(field: field([part, hole]), message: "must lie inside the exterior ring, \(field([part, 0]))")
                }
                if let outer = rings.indices.dropFirst().first(where: { $0 != hole && contains(rings[$0], rings[hole][0]) }) {
                    throw ValidationError(field: field([part, hole]), message: "lies inside another hole, \(field([part, outer]))")
                }
            }
        }
        func inRegion(_ point: SIMD2<Double>, _ rings: [[SIMD2<Double>]]) -> Bool {
            contains(rings[0], point) && !rings.dropFirst().contains { contains($0, point) }
        }
        for later in planar.indices {
            for earlier in planar.indices.prefix(later)
            where inRegion(planar[later][0][0], planar[earlier]) || inRegion(planar[earlier][0][0], planar[later]) {
                throw ValidationError(field: field([later]), message: "overlaps another polygon, \(field([earlier]))")
            }
        }
    }

    /// Whether a point lies inside an open ring, by ray casting.
    private static func contains(_ ring: [SIMD2<Double>], _ point: SIMD2<Double>) -> Bool {
        var inside = false
        for index in ring.indices {
            let a = ring[index], b = ring[(index + 1) % ring.count]
            if PlanarSegment(ax: a.x, ay: a.y, bx: b.x, by: b.y).crossesRay(point.x, point.y) { inside.toggle() }
        }
        return inside
    }

    /// The signed area of an open ring, positive when it runs counter-clockwise.
    static func signedArea(_ ring: [SIMD2<Double>]) -> Double {
        var twice = 0.0
        for index in ring.indices {
            let a = ring[index], b = ring[(index + 1) % ring.count]
            twice += a.x * b.y - b.x * a.y
        }
        return twice / 2
    }

    /// An open ring run the other way, from the same first vertex.
    private static func reversed<Element>(_ ring: [Element]) -> [Element] {
        Array(ring.prefix(1) + ring.dropFirst().reversed())
    }
}
