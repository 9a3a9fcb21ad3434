/// Many fences, indexed so that a fix costs about the same against 10 fences as against 10,000.
///
/// A dense grid covers the fences. Each cell lists the shapes whose region comes within
/// `fastPathMeters` of it, and for a polygon whether a reference point of the cell is in the
/// region and which edges come within `fastPathMeters` of the cell, nearest first. A fix whose
/// accuracy plus margin is at most `fastPathMeters` is decided from its cell alone: inside-ness
/// from the reference point's and the crossings of the segment between them, distance from the
/// listed edges, and every shape not listed is clear. A larger reach falls back to the exact
/// relation with each shape whose bounding box, widened by the reach, holds the fix.
public struct FenceIndex: Sendable {
    /// The shapes, in the order given.
    let shapes: [FenceShape]
    /// The distance up to which cells answer alone, in meters.
    let fastPathMeters: Double
    /// The grid.
    let grid: FenceGrid
    /// Each shape's frame, bounding box and edges.
    let indexed: [IndexedShape]
    /// Every polygon edge, each shape's in its own frame.
    let segments: [PlanarSegment]
    /// Where each cell's entries start in `entries`, one more than there are cells.
    let cellStarts: [Int32]
    /// Every cell's entries, cell by cell, in the order of the shapes.
    let entries: [CellEntry]
    /// The edges of the entries (indices into `segments`), each entry's run nearest first.
    let edgeIndices: [Int32]
    /// For each of `edgeIndices`, a lower bound of its distance from the cell, in meters.
    let edgeBounds: [Float]

    /// The number of shapes.
    public var count: Int { shapes.count }

    /// Indexes shapes.
    /// - Parameters:
    ///   - shapes: The fences, validated (``FenceShape/init(geometry:radiusMeters:)``).
    ///   - fastPathMeters: The largest accuracy plus margin that the grid answers alone; larger
    ///     ones are answered exactly but cost a pass over the shapes' bounding boxes.
    public init(_ shapes: [FenceShape], fastPathMeters: Double = 250) {
        var builder = FenceIndexBuilder(shapes, fastPathMeters: fastPathMeters.isFinite ? max(0, fastPathMeters) : 0)
        let cells = builder.build()
        self.shapes = shapes
        self.fastPathMeters = builder.fastPathMeters
        grid = builder.grid
        indexed = builder.indexed
        segments = builder.segments
        cellStarts = cells.starts
        entries = cells.entries
        edgeIndices = builder.edgeIndices
        edgeBounds = builder.edgeBounds
    }

    /// Classifies a fix against every shape.
    /// - Parameters:
    ///   - fix: The position reported.
    ///   - accuracyMeters: The radius of the fix's accuracy circle.
    ///   - marginMeters: How far beyond its accuracy a fix must be from a region to be clear of it.
    /// - Returns: `.inside(i)` when the fix's accuracy circle lies within `shapes[i]` (the first
    ///   such shape); `.outside` when the fix is clear of every shape; `.unknown` otherwise.
    public func classify(_ fix: GeoPoint, accuracyMeters: Double, marginMeters: Double) -> FixClassification {
        let reach = accuracyMeters + marginMeters
        guard reach <= fastPathMeters else { return classifyExhaustively(fix, accuracy: accuracyMeters, reach: reach) }
        guard let cell = grid.cell(latitude: fix.latitude, longitude: fix.longitude) else { return .outside }
        return cellStarts.withUnsafeBufferPointer { starts in
            let run = Int(starts[cell])..<Int(starts[cell + 1])
            if run.isEmpty { return .outside }
            return entries.withUnsafeBufferPointer { entries in
                indexed.withUnsafeBufferPointer { indexed in
                    segments.withUnsafeBufferPointer { segments in
                        edgeIndices.withUnsafeBufferPointer { edgeIndices in
                            edgeBounds.withUnsafeBufferPointer { edgeBounds in
                                var unknown = false
                                for position in run {
                                    let entry = entries[position]
                                    let shape = indexed[Int(entry.shape)]
                                    let point = shape.projection.project(fix)
                                    let relation: FenceRelation
                                    if shape.radius >= 0 {
                                        relation = .disc(point.x, point.y, radius: shape.radius, accuracy: accuracyMeters, reach: reach)
                                    } else {
                                        relation = entry.relation(
                                            point.x, point.y, accuracy: accuracyMeters, reach: reach, segments: segments,
                                            edgeIndices: edgeIndices, edgeBounds: edgeBounds)
                                    }
                                    switch relation {
                                    case .within: return .inside(Int(entry.shape))
                                    case .ambiguous: unknown = true
                                    case .clear: break
                                    }
                                }
                                return unknown ? .unknown : .outside
                            }
                        }
                    }
                }
            }
        }
    }

    /// Classifies a fix whose reach is beyond the fast path: the exact relation with every shape
    /// whose bounding box, widened by the reach, holds it.
    private func classifyExhaustively(_ fix: GeoPoint, accuracy: Double, reach: Double) -> FixClassification {
        indexed.withUnsafeBufferPointer { indexed in
            segments.withUnsafeBufferPointer { segments in
                var unknown = false
                for (index, shape) in indexed.enumerated() {
                    let point = shape.projection.project(fix)
                    guard point.x >= shape.low.x - reach, point.x <= shape.high.x + reach,
                        point.y >= shape.low.y - reach, point.y <= shape.high.y + reach
                    else { continue }
                    let relation: FenceRelation
                    if shape.radius >= 0 {
                        relation = .disc(point.x, point.y, radius: shape.radius, accuracy: accuracy, reach: reach)
                    } else {
                        let edges = UnsafeBufferPointer(rebasing: segments[Int(shape.edgeStart)..<Int(shape.edgeEnd)])
                        relation = .polygon(point.x, point.y, segments: edges, accuracy: accuracy, reach: reach)
                    }
                    switch relation {
                    case .within: return .inside(index)
                    case .ambiguous: unknown = true
                    case .clear: break
                    }
                }
                return unknown ? .unknown : .outside
            }
        }
    }
}
