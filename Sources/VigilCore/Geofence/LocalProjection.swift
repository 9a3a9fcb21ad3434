import Foundation

/// The planar frame in which a fence's distances are measured: a local equirectangular projection
/// about an origin, x = Δlongitude · cos(φ0) · k and y = Δlatitude · k meters, with k the meters
/// in a degree of a great circle on the mean Earth sphere.
///
/// The map is linear in degrees, so a straight edge between two positions in degree space is
/// straight in this frame. Δlongitude is taken the short way round (−180° to 180°), which
/// unwraps a shape that crosses the antimeridian and the fixes near it into one frame.
public struct LocalProjection: Sendable, Equatable {
    /// Meters in one degree of a great circle: 6,371,008.8 m (the mean Earth radius) × π / 180.
    public static let metersPerDegree = 6_371_008.8 * Double.pi / 180

    /// The latitude of the origin, φ0, in degrees.
    public let originLatitude: Double
    /// The longitude of the origin, in degrees, −180 to 180.
    public let originLongitude: Double
    /// Meters in one degree of longitude in this frame: cos(φ0) · k.
    public let metersPerDegreeLongitude: Double

    /// A frame about an origin.
    /// - Parameters:
    ///   - originLatitude: φ0, in degrees.
    ///   - originLongitude: The origin's longitude, in degrees; it is wrapped into −180 to 180.
    public init(originLatitude: Double, originLongitude: Double) {
        self.originLatitude = originLatitude
        self.originLongitude = Self.wrapped(originLongitude)
        metersPerDegreeLongitude = cos(originLatitude * Double.pi / 180) * Self.metersPerDegree
    }

    /// The frame of a set of rings: its origin is the centre of their bounding box, after each ring
    /// has been unwrapped contiguously across the antimeridian (and every ring brought next to the
    /// first one).
    /// - Parameter rings: Open rings of positions; at least one position in all.
    public init(fitting rings: [[GeoPoint]]) {
        var south = Double.infinity, north = -Double.infinity
        var west = Double.infinity, east = -Double.infinity
        let reference = rings.first(where: { !$0.isEmpty })?.first?.longitude ?? 0
        for ring in rings {
            guard let first = ring.first else { continue }
            var longitude = reference + Self.wrapped(first.longitude - reference)
            var previous = first.longitude
            for point in ring {
                longitude += Self.wrapped(point.longitude - previous)
                previous = point.longitude
                south = min(south, point.latitude)
                north = max(north, point.latitude)
                west = min(west, longitude)
                east = max(east, longitude)
            }
        }
        self.init(originLatitude: (south + north) / 2, originLongitude: (west + east) / 2)
    }

    /// The position in this frame, in meters east (x) and north (y) of the origin.
    /// - Parameter point: A position; its longitude is unwrapped into the frame.
    /// - Returns: The planar position in meters.
    @inline(__always)
    public func project(_ point: GeoPoint) -> SIMD2<Double> {
        SIMD2(
            Self.wrapped(point.longitude - originLongitude) * metersPerDegreeLongitude,
            (point.latitude - originLatitude) * Self.metersPerDegree)
    }

    /// The position of a planar point of this frame, its longitude wrapped into −180 to 180.
    /// - Parameter planar: Meters east (x) and north (y) of the origin.
    /// - Returns: The position in degrees.
    public func unproject(_ planar: SIMD2<Double>) -> GeoPoint {
        GeoPoint(
            latitude: originLatitude + planar.y / Self.metersPerDegree,
            longitude: Self.wrapped(originLongitude + planar.x / metersPerDegreeLongitude))
    }

    /// A longitude difference (or a longitude) brought into −180 to 180 by one turn at most.
    /// - Parameter degrees: A value within −540 to 540.
    /// - Returns: The same angle within −180 to 180.
    @inline(__always)
    public static func wrapped(_ degrees: Double) -> Double {
        if degrees > 180 { return degrees - 360 }
        if degrees < -180 { return degrees + 360 }
        return degrees
    }
}
