/// A fence edge in its shape's planar frame, in meters.
struct PlanarSegment: Sendable {
    /// The start.
    var ax: Double, ay: Double
    /// The end.
    var bx: Double, by: Double

    /// The squared distance from a point to this segment.
    @inline(__always)
    func distanceSquared(_ px: Double, _ py: Double) -> Double {
        let dx = bx - ax, dy = by - ay
        let length = dx * dx + dy * dy
        var t = length > 0 ? ((px - ax) * dx + (py - ay) * dy) / length : 0
        t = max(0, min(1, t))
        let ex = ax + t * dx - px, ey = ay + t * dy - py
        return ex * ex + ey * ey
    }

    /// Whether the horizontal ray from a point towards +x crosses this segment, counting an end
    /// on the ray's line as above it (so that a vertex on the line is counted once).
    @inline(__always)
    func crossesRay(_ px: Double, _ py: Double) -> Bool {
        guard (ay > py) != (by > py) else { return false }
        return ax + (py - ay) * (bx - ax) / (by - ay) > px
    }

    /// Whether the segment from (rx, ry) to (px, py) crosses this one. Ends on the other segment's
    /// line are counted on one side, consistently for the two edges that share a vertex, so that
    /// the parity of the crossings is the change of inside-ness between the two points whenever
    /// neither point lies on the boundary.
    @inline(__always)
    func crosses(_ rx: Double, _ ry: Double, _ px: Double, _ py: Double) -> Bool {
        let ux = px - rx, uy = py - ry
        let sideA = ux * (ay - ry) - uy * (ax - rx)
        let sideB = ux * (by - ry) - uy * (bx - rx)
        guard (sideA > 0) != (sideB > 0) else { return false }
        let ex = bx - ax, ey = by - ay
        let sideR = ex * (ry - ay) - ey * (rx - ax)
        let sideP = ex * (py - ay) - ey * (px - ax)
        return (sideR > 0) != (sideP > 0)
    }
}

/// How close a fix must be to a fence's boundary to count as on it, and so in the region.
let boundaryToleranceMeters = 1e-6

extension FenceRelation {
    /// The relation from the facts the semantics are stated in.
    /// - Parameters:
    ///   - inside: Whether the fix is strictly inside by parity (or within the disc).
    ///   - distance: The distance from the fix to the region's boundary, in meters.
    ///   - accuracy: The fix's accuracy radius.
    ///   - reach: The accuracy plus the margin.
    @inline(__always)
    init(inside: Bool, distance: Double, accuracy: Double, reach: Double) {
        if inside || distance <= boundaryToleranceMeters {
            self = distance >= accuracy ? .within : .ambiguous
        } else {
            self = distance > reach ? .clear : .ambiguous
        }
    }

    /// The relation of a planar point to the polygon region bounded by `segments` (every edge of
    /// every ring), by brute force: ray casting over every edge and the distance to every edge.
    static func polygon(
        _ px: Double, _ py: Double, segments: UnsafeBufferPointer<PlanarSegment>, accuracy: Double, reach: Double
    ) -> FenceRelation {
        var inside = false
        var nearest = Double.infinity
        for segment in segments {
            if segment.crossesRay(px, py) { inside.toggle() }
            nearest = min(nearest, segment.distanceSquared(px, py))
        }
        return FenceRelation(inside: inside, distance: nearest.squareRoot(), accuracy: accuracy, reach: reach)
    }

    /// The relation of a planar point to a disc about the origin.
    @inline(__always)
    static func disc(_ px: Double, _ py: Double, radius: Double, accuracy: Double, reach: Double) -> FenceRelation {
        let fromCentre = (px * px + py * py).squareRoot()
        return FenceRelation(inside: fromCentre <= radius, distance: abs(fromCentre - radius), accuracy: accuracy, reach: reach)
    }
}
