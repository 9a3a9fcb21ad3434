/// A polygon: one exterior ring and zero or more holes. Rings are stored open (the last vertex is
/// not repeated); after validation (``FenceShape/init(geometry:radiusMeters:)``) the exterior runs
/// counter-clockwise and the holes clockwise.
public struct GeoPolygon: Sendable, Equatable {
    /// The exterior ring, open.
    public var exterior: [GeoPoint]
    /// The holes, each an open ring.
    public var holes: [[GeoPoint]]

    /// Describes a polygon.
    /// - Parameters:
    ///   - exterior: The exterior ring, open.
    ///   - holes: The holes, each an open ring.
    public init(exterior: [GeoPoint], holes: [[GeoPoint]] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Every ring, the exterior first.
    var rings: [[GeoPoint]] { [exterior] + holes }
}
