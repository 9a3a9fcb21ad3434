/// One shape's record in one cell of a ``FenceIndex``.
struct CellEntry: Sendable {
    /// The reference point of the cell in the shape's frame: its centre, or another point of the
    /// cell when the centre lies on (within a millimetre of) the boundary.
    var referenceX: Double, referenceY: Double
    /// The shape's index.
    var shape: Int32
    /// Where the entry's edges start in the index's edge lists.
    var edgeStart: Int32
    /// How many of them touch the cell (they come first): the only ones a segment within the cell can cross.
    var touching: UInt16
    /// How many edges in all: those within the fast-path distance of the cell.
    var edgeCount: UInt16
    /// Whether the reference point is in the region.
    var inside: Bool

    /// The relation of a planar point in this cell to this entry's polygon: inside-ness from the
    /// reference point's and the crossings of the segment between them with the touching edges;
    /// the distance from the nearest listed edge, skipping edges that cannot change the answer.
    @inline(__always)
    func relation(
        _ px: Double, _ py: Double, accuracy: Double, reach: Double, segments: UnsafeBufferPointer<PlanarSegment>,
        edgeIndices: UnsafeBufferPointer<Int32>, edgeBounds: UnsafeBufferPointer<Float>
    ) -> FenceRelation {
        var inside = self.inside
        var nearest = Double.infinity
        let first = Int(edgeStart), touchingEnd = first + Int(touching), end = first + Int(edgeCount)
        var position = first
        while position < touchingEnd {
            let segment = segments[Int(edgeIndices[position])]
            if segment.crosses(referenceX, referenceY, px, py) { inside.toggle() }
            nearest = min(nearest, segment.distanceSquared(px, py))
            position += 1
        }
        // Beyond `relevant`, the exact distance does not change the answer.
        let relevant = max(reach, boundaryToleranceMeters)
        while position < end {
            let bound = Double(edgeBounds[position])
            if bound > relevant || bound * bound >= nearest { break }
            nearest = min(nearest, segments[Int(edgeIndices[position])].distanceSquared(px, py))
            position += 1
        }
        return FenceRelation(inside: inside, distance: nearest.squareRoot(), accuracy: accuracy, reach: reach)
    }
}

/// A shape as the index keeps it: its frame, bounding box in that frame and where its edges are.
struct IndexedShape: Sendable {
    /// The shape's frame.
    let projection: LocalProjection
    /// A circle's radius in meters; −1 for a polygon.
    let radius: Double
    /// The shape's edges in the index's edge array.
    let edgeStart: Int32, edgeEnd: Int32
    /// The corners of the shape's bounding box in its frame.
    let low: SIMD2<Double>, high: SIMD2<Double>
}
