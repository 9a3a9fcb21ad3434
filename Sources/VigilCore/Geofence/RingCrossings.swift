/// The check that no ring of a shape crosses or touches itself or another ring.
enum RingCrossings {
    /// One edge of a ring, with where it comes from.
    private struct Edge {
        let a: SIMD2<Double>, b: SIMD2<Double>
        let part: Int, ring: Int, vertex: Int, ringCount: Int
        var minX: Double { min(a.x, b.x) }
        var maxX: Double { max(a.x, b.x) }
    }

    /// Refuses any two edges that meet, other than consecutive edges of a ring at their shared
    /// vertex (and those only if they do not fold back over each other). Edges are swept in order
    /// of their western end so that only edges overlapping in x are compared.
    /// - Throws: ``ValidationError`` naming the vertex that starts one of the two edges.
    static func check(_ planar: [[[SIMD2<Double>]]], field: FenceValidator.FieldPath) throws {
        var edges: [Edge] = []
        for (part, rings) in planar.enumerated() {
            for (ring, points) in rings.enumerated() {
                for vertex in points.indices {
                    edges.append(
                        Edge(
                            a: points[vertex], b: points[(vertex + 1) % points.count], part: part, ring: ring,
                            vertex: vertex, ringCount: points.count))
                }
            }
        }
        edges.sort { $0.minX < $1.minX }
        for first in edges.indices {
            let edge = edges[first]
            for other in edges[(first + 1)...] {
                guard other.minX <= edge.maxX else { break }
                if meet(edge, other) {
                    let (early, late) = (edge.part, edge.ring, edge.vertex) < (other.part, other.ring, other.vertex)
                        ? (edge, other) : (other, edge)
                    throw ValidationError(
                        field: field([late.part, late.ring, late.vertex]),
                        message: "starts an edge that crosses or touches the edge starting at \(field([early.part, early.ring, early.vertex]))")
                }
            }
        }
    }

    /// Whether two edges meet where they should not.
    private static func meet(_ e: Edge, _ f: Edge) -> Bool {
        if e.part == f.part, e.ring == f.ring {
            let next = (e.vertex + 1) % e.ringCount, previous = (e.vertex + e.ringCount - 1) % e.ringCount
            if f.vertex == next { return foldsBack(shared: e.b, e.a, f.b) }
            if f.vertex == previous { return foldsBack(shared: e.a, e.b, f.a) }
        }
        return intersect(e.a, e.b, f.a, f.b)
    }

    /// Whether two edges from a shared vertex run along each other.
    private static func foldsBack(shared: SIMD2<Double>, _ u: SIMD2<Double>, _ w: SIMD2<Double>) -> Bool {
        let p = u - shared, q = w - shared
        return p.x * q.y - p.y * q.x == 0 && (p * q).sum() > 0
    }

    /// Whether the closed segments ab and cd have a point in common.
    private static func intersect(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, _ d: SIMD2<Double>) -> Bool {
        guard max(a.y, b.y) >= min(c.y, d.y), max(c.y, d.y) >= min(a.y, b.y),
            max(a.x, b.x) >= min(c.x, d.x), max(c.x, d.x) >= min(a.x, b.x)
        else { return false }
        let d1 = orientation(a, b, c), d2 = orientation(a, b, d)
        let d3 = orientation(c, d, a), d4 = orientation(c, d, b)
        if d1 * d2 < 0, d3 * d4 < 0 { return true }
        return (d1 == 0 && within(a, b, c)) || (d2 == 0 && within(a, b, d))
            || (d3 == 0 && within(c, d, a)) || (d4 == 0 && within(c, d, b))
    }

    /// Twice the signed area of the triangle pqr: positive when r lies left of pq.
    private static func orientation(_ p: SIMD2<Double>, _ q: SIMD2<Double>, _ r: SIMD2<Double>) -> Double {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    }

    /// Whether r, collinear with pq, lies within the segment's bounding box.
    private static func within(_ p: SIMD2<Double>, _ q: SIMD2<Double>, _ r: SIMD2<Double>) -> Bool {
        min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
    }
}
