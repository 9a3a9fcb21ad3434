import Foundation
import VigilCore

/// A simulated person's walk out of a fence and back, over and over: half of every period inside,
/// half outside, so that the server sees PHI access go when the outside dwell time has passed and
/// come back on return.
///
/// The walk runs to and fro along the fence's inward normal through one point of its edge (on the
/// longest edge of a polygon's exterior, or on a circle's rim), at `lane`'s place along that edge
/// so that a fleet spreads out. It crosses the edge outwards at the start of each period's second
/// half and inwards at the period's end, reaches its full depth (up to 100 m each side, less when
/// the fence is narrower) in a twentieth of the period and stays there, so that most of each half
/// is clear of the edge whatever the fixes' accuracy.
struct SimulatedWalk: Sendable {
    /// How far the walk goes from the edge, at most, each side.
    static let maximumDepthMeters = 100.0

    /// The planar frame of the fence.
    let projection: LocalProjection
    /// Where the walk crosses the edge, in the frame.
    let crossing: SIMD2<Double>
    /// The unit vector from the crossing into the fence.
    let inward: SIMD2<Double>
    /// How far the walk goes from the edge each side, in meters.
    let depthMeters: Double
    /// Seconds of one loop: out and back.
    let periodSeconds: Double
    /// Where in its loop the walk is at time 0, in seconds.
    let phaseSeconds: Double

    /// A walk across the edge of `shape`.
    /// - Parameters:
    ///   - shape: The fence.
    ///   - periodSeconds: Seconds of one loop, more than 0.
    ///   - lane: Which walk of a fleet this is; it picks the point of the edge and the phase.
    init(around shape: FenceShape, periodSeconds: Double, lane: Int) {
        let projection = shape.projection
        let spread = (Double(lane) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1)
        var crossing: SIMD2<Double>
        var inward: SIMD2<Double>
        switch shape {
        case .circle(_, let radius):
            let bearing = spread * 2 * Double.pi
            let outward = SIMD2(cos(bearing), sin(bearing))
            crossing = outward * radius
            inward = -outward
        case .polygons(let polygons):
            let edge = polygons.map { Self.longestEdge(of: $0.exterior, in: projection) }.max { $0.length < $1.length }
                ?? (SIMD2(0, 0), SIMD2(0, 0), 0)
            crossing = edge.a + (edge.b - edge.a) * (0.2 + 0.6 * spread)
            let direction = edge.length > 0 ? (edge.b - edge.a) / edge.length : SIMD2(1, 0)
            inward = SIMD2(-direction.y, direction.x)
        }
        // The normal's side is checked, not assumed from the winding.
        if Self.isWithin(shape, projection.unproject(crossing + inward)) == false { inward = -inward }
        let inside = Self.reach(shape, from: crossing, along: inward, in: projection) { $0 == .within }
        let outside = Self.reach(shape, from: crossing, along: -inward, in: projection) { $0 == .clear }
        self.projection = projection
        self.crossing = crossing
        self.inward = inward
        depthMeters = min(Self.maximumDepthMeters, inside / 2, outside / 2)
        self.periodSeconds = periodSeconds
        phaseSeconds = spread * periodSeconds
    }

    /// How far into the fence the walk is at `seconds`: positive inside, negative outside, in meters.
    func offsetMeters(at seconds: Double) -> Double {
        let half = periodSeconds / 2
        let ramp = periodSeconds / 20
        var time = (seconds + phaseSeconds).truncatingRemainder(dividingBy: periodSeconds)
        if time < 0 { time += periodSeconds }
        let side: Double = time < half ? 1 : -1
        let intoHalf = time < half ? time : time - half
        return side * depthMeters * min(1, intoHalf / ramp, (half - intoHalf) / ramp)
    }

    /// Where the walk is at `seconds` after it began.
    func position(at seconds: Double) -> GeoPoint {
        projection.unproject(crossing + inward * offsetMeters(at: seconds))
    }

    /// Whether the walk is in its inside half at `seconds`.
    func isInsideHalf(at seconds: Double) -> Bool { offsetMeters(at: seconds) > 0 }

    /// The longest edge of an open ring, in the frame.
    private static func longestEdge(of ring: [GeoPoint], in projection: LocalProjection)
        -> (a: SIMD2<Double>, b: SIMD2<Double>, length: Double)
    {
        let points = ring.map(projection.project)
        var best = (a: SIMD2<Double>(0, 0), b: SIMD2<Double>(0, 0), length: -1.0)
        for index in points.indices {
            let a = points[index], b = points[(index + 1) % points.count]
            let length = ((b - a) * (b - a)).sum().squareRoot()
            if length > best.length { best = (a, b, length) }
        }
        return best
    }

    /// Whether a point is in the shape's region.
    private static func isWithin(_ shape: FenceShape, _ point: GeoPoint) -> Bool {
        shape.relation(of: point, accuracyMeters: 0, marginMeters: 0) == .within
    }

    /// How far from `start` along `direction` the points keep the relation `holds`, in 5 m steps,
    /// up to twice the walk's maximum depth.
    private static func reach(
        _ shape: FenceShape, from start: SIMD2<Double>, along direction: SIMD2<Double>, in projection: LocalProjection,
        while holds: (FenceRelation) -> Bool
    ) -> Double {
        let step = 5.0
        var distance = step
        while distance <= 2 * maximumDepthMeters,
            holds(shape.relation(of: projection.unproject(start + direction * distance), accuracyMeters: 0, marginMeters: 0))
        {
            distance += step
        }
        return distance - step
    }
}
