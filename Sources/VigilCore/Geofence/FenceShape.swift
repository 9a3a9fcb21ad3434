/// A fence's shape.
public enum FenceShape: Sendable, Equatable {
    /// One Polygon, or the parts of a MultiPolygon (which do not overlap).
    case polygons([GeoPolygon])
    /// A disc about a centre.
    case circle(center: GeoPoint, radiusMeters: Double)

    /// The planar frame the shape's distances are measured in: about a circle's centre, or about
    /// the centre of a polygon's bounding box (unwrapped across the antimeridian).
    public var projection: LocalProjection {
        switch self {
        case .circle(let center, _):
            LocalProjection(originLatitude: center.latitude, originLongitude: center.longitude)
        case .polygons(let polygons):
            LocalProjection(fitting: polygons.flatMap(\.rings))
        }
    }

    /// The fix's relation to this one shape: exact, by brute force over all its edges.
    /// - Parameters:
    ///   - fix: The position reported.
    ///   - accuracyMeters: The radius of the fix's accuracy circle.
    ///   - marginMeters: How far beyond its accuracy a fix must be from the region to be clear.
    /// - Returns: `.within` when the fix is in the region (boundary included) at least its accuracy
    ///   from the boundary, `.clear` when it is outside farther than accuracy plus margin,
    ///   `.ambiguous` otherwise.
    public func relation(of fix: GeoPoint, accuracyMeters: Double, marginMeters: Double) -> FenceRelation {
        let projection = projection
        let point = projection.project(fix)
        let reach = accuracyMeters + marginMeters
        switch self {
        case .circle(_, let radius):
            return FenceRelation.disc(point.x, point.y, radius: radius, accuracy: accuracyMeters, reach: reach)
        case .polygons:
            return planarSegments(in: projection).withUnsafeBufferPointer {
                FenceRelation.polygon(point.x, point.y, segments: $0, accuracy: accuracyMeters, reach: reach)
            }
        }
    }

    /// Every edge of every ring of a polygon shape in a frame; none for a circle. Each vertex is
    /// projected once, so that two edges sharing it share its planar coordinates exactly.
    func planarSegments(in projection: LocalProjection) -> [PlanarSegment] {
        guard case .polygons(let polygons) = self else { return [] }
        var segments: [PlanarSegment] = []
        for ring in polygons.flatMap(\.rings) where !ring.isEmpty {
            let points = ring.map(projection.project)
            for index in points.indices {
                let a = points[index], b = points[(index + 1) % points.count]
                segments.append(PlanarSegment(ax: a.x, ay: a.y, bx: b.x, by: b.y))
            }
        }
        return segments
    }
}
