import Foundation
import VigilCore

/// Where each device of a simulated fleet is at a given moment: on its walk across the edge of
/// one of the server's fences, or at a fixed point of its own when the server has no fence.
struct FleetCourse: Sendable {
    /// What the devices do, for people to read: `walking across the edge of fence "Main"`.
    let description: String
    private let walks: [SimulatedWalk]
    private let points: [GeoPoint]

    /// Every device walks in and out of `shape` over `periodSeconds` (see ``SimulatedWalk``).
    static func walking(around shape: FenceShape, named name: String, periodSeconds: Double, devices: Int) -> FleetCourse {
        FleetCourse(
            description: "walking across the edge of fence \"\(name)\", \(String(format: "%.0f", periodSeconds)) s a loop",
            walks: (0..<devices).map { SimulatedWalk(around: shape, periodSeconds: periodSeconds, lane: $0) }, points: [])
    }

    /// Every device stays at a point of its own, 50 m from the next, on a grid in Chicago's Loop.
    static func fixedPoints(devices: Int) -> FleetCourse {
        let step = 50 / LocalProjection.metersPerDegree
        return FleetCourse(
            description: "at fixed points (the server has no fence)", walks: [],
            points: (0..<devices).map {
                GeoPoint(latitude: 41.88 + Double($0 % 100) * step, longitude: -87.63 + Double($0 / 100) * step * 1.35)
            })
    }

    /// Where device `index` is `seconds` after the course began.
    func position(ofDevice index: Int, at seconds: Double) -> GeoPoint {
        walks.isEmpty ? points[index % points.count] : walks[index % walks.count].position(at: seconds)
    }

    /// A fix of device `index` taken now at its place, as a phone's GPS reports it: accuracy 5 to
    /// 20 m at the platform's default confidence.
    func fix(ofDevice index: Int, at seconds: Double) -> LocationFix {
        let point = position(ofDevice: index, at: seconds)
        return LocationFix(
            latitude: point.latitude, longitude: point.longitude, accuracyMeters: Double.random(in: 5...20),
            recordedAt: Date(), source: .gps)
    }
}
