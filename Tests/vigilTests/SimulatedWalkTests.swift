import Foundation
import Testing
import VigilCore

@testable import vigil

/// The moving fleet's walk: it crosses its fence's edge, half of every period on each side, far
/// enough from the edge that the server can tell.
@Suite struct SimulatedWalkTests {
    /// The campus of the geofence flow tests: about 500 m by 550 m.
    static let campus = FenceShape.polygons([
        GeoPolygon(exterior: [
            GeoPoint(latitude: 41.878, longitude: -87.633), GeoPoint(latitude: 41.878, longitude: -87.627),
            GeoPoint(latitude: 41.883, longitude: -87.627), GeoPoint(latitude: 41.883, longitude: -87.633),
        ])
    ])
    /// The same campus wound clockwise, as a GeoJSON file may give it before validation.
    static let clockwise = FenceShape.polygons([
        GeoPolygon(exterior: [
            GeoPoint(latitude: 41.878, longitude: -87.633), GeoPoint(latitude: 41.883, longitude: -87.633),
            GeoPoint(latitude: 41.883, longitude: -87.627), GeoPoint(latitude: 41.878, longitude: -87.627),
        ])
    ])
    /// A thin strip, 40 m wide: the walk must not run out of its far side.
    static let strip = FenceShape.polygons([
        GeoPolygon(exterior: [
            GeoPoint(latitude: 41.8800, longitude: -87.640), GeoPoint(latitude: 41.8800, longitude: -87.620),
            GeoPoint(latitude: 41.88036, longitude: -87.620), GeoPoint(latitude: 41.88036, longitude: -87.640),
        ])
    ])
    static let disc = FenceShape.circle(center: GeoPoint(latitude: 51.5, longitude: -0.12), radiusMeters: 300)

    /// The relation of each of `samples` points of one period, as the server judges a fix of 20 m
    /// accuracy at 68 % with the default 25 m margin.
    static func relations(_ walk: SimulatedWalk, in shape: FenceShape, samples: Int = 360) -> [(inside: Bool, relation: FenceRelation)] {
        (0..<samples).map { step in
            let seconds = walk.periodSeconds * Double(step) / Double(samples)
            let fix = LocationFix(latitude: 0, longitude: 0, accuracyMeters: 20, recordedAt: Date(), source: .gps)
            return (
                walk.isInsideHalf(at: seconds),
                shape.relation(of: walk.position(at: seconds), accuracyMeters: fix.normalizedAccuracyMeters, marginMeters: 25)
            )
        }
    }

    @Test(arguments: [(campus, "campus"), (clockwise, "clockwise campus"), (disc, "disc")])
    func theWalkCrossesTheEdgeHalfThePeriodEachSide(_ shape: FenceShape, name: String) {
        for lane in 0..<8 {
            let walk = SimulatedWalk(around: shape, periodSeconds: 180, lane: lane)
            #expect(walk.depthMeters == SimulatedWalk.maximumDepthMeters, "\(name) lane \(lane)")
            let seen = Self.relations(walk, in: shape)
            #expect(abs(seen.filter(\.inside).count - seen.count / 2) <= 2, "\(name) lane \(lane): half inside")
            // Every point of the inside half is in the fence (or too near the edge to tell), every
            // point of the outside half out of it, and most of each half is clear of the edge.
            #expect(seen.allSatisfy { $0.inside ? $0.relation != .clear : $0.relation != .within }, "\(name) lane \(lane)")
            let within = seen.filter { $0.relation == .within }.count
            let clear = seen.filter { $0.relation == .clear }.count
            #expect(within > seen.count * 2 / 5 && clear > seen.count * 2 / 5, "\(name) lane \(lane): \(within) within, \(clear) clear")
        }
    }

    @Test func outsideLastsLongerThanTheDefaultDwellTime() {
        let walk = SimulatedWalk(around: Self.campus, periodSeconds: 180, lane: 3)
        let seen = Self.relations(walk, in: Self.campus)
        // The longest run of clear points, in seconds (each sample is half a second).
        var longest = 0, run = 0
        for point in seen + seen {
            run = point.relation == .clear ? run + 1 : 0
            longest = max(longest, run)
        }
        #expect(Double(min(longest, seen.count)) * 0.5 > 60 + 10)
    }

    @Test func aNarrowFenceShortensTheWalkToStayWithinIt() {
        let walk = SimulatedWalk(around: Self.strip, periodSeconds: 180, lane: 1)
        #expect(walk.depthMeters < 25 && walk.depthMeters >= 15)
        let deepest = walk.position(at: walk.periodSeconds * 0.25 - walk.phaseSeconds + walk.periodSeconds)
        #expect(Self.strip.relation(of: deepest, accuracyMeters: 0, marginMeters: 0) == .within)
    }

    @Test func lanesSpreadAlongTheEdgeAndOverThePeriod() {
        let walks = (0..<4).map { SimulatedWalk(around: Self.campus, periodSeconds: 180, lane: $0) }
        #expect(Set(walks.map(\.phaseSeconds)).count == 4)
        #expect(Set(walks.map { $0.position(at: 0) }).count == 4)
    }

    @Test func anOutlookChangeIsOneLineAndNoChangeIsNone() throws {
        func answer(_ place: PersonPlaceState, _ access: AccessStatus) -> LocationReportResponse {
            LocationReportResponse(
                accepted: 1, ignored: 0, place: PlaceStatus(person: PersonPlace(state: place), device: nil), access: access,
                grant: nil, serverTime: Date())
        }
        let device = DeviceID(rawValue: "dev_1")
        let allowed = AccessStatus(state: .allowed, reasons: [])
        let denied = AccessStatus(state: .denied, reasons: ["The device's person is outside the facility."])
        let inside = DeviceOutlook(answer(.inside, allowed))
        let outside = DeviceOutlook(answer(.outside, denied))
        #expect(inside.change(from: nil, deviceID: device) == "dev_1 starts inside: access allowed")
        #expect(outside.change(from: inside, deviceID: device)
            == "dev_1 walked outside: access denied (The device's person is outside the facility.)")
        #expect(inside.change(from: outside, deviceID: device) == "dev_1 back inside: access allowed")
        #expect(inside.change(from: inside, deviceID: device) == nil)
        let stillInsideDenied = DeviceOutlook(answer(.inside, AccessStatus(state: .denied, reasons: ["Noncompliant."])))
        #expect(stillInsideDenied.change(from: inside, deviceID: device) == "dev_1 is still inside: access denied (Noncompliant.)")
    }
}
