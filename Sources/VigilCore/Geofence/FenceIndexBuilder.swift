/// Builds a ``FenceIndex``: each shape's frame and edges, the grid, and every cell's entries.
struct FenceIndexBuilder {
    /// The distance up to which cells answer alone.
    let fastPathMeters: Double
    /// Each shape's frame, bounding box and edges.
    private(set) var indexed: [IndexedShape] = []
    /// Every polygon edge.
    private(set) var segments: [PlanarSegment] = []
    /// The grid.
    private(set) var grid: FenceGrid
    /// The entries' edge lists.
    private(set) var edgeIndices: [Int32] = []
    /// The lower bounds of the entries' edges' distances from their cells.
    private(set) var edgeBounds: [Float] = []
    /// How far a fix may lie outside its cell's exact rectangle through rounding, in meters, and
    /// how far from every edge a cell's reference point must lie.
    static let slackMeters = 1e-3
    /// The grid is shifted east by this many degrees for each shape, so that all shapes lie in one
    /// contiguous range of longitudes.
    private var turns: [Double] = []

    /// Prepares the shapes and lays out the grid.
    init(_ shapes: [FenceShape], fastPathMeters: Double) {
        self.fastPathMeters = fastPathMeters
        var sizes: [Double] = []
        for shape in shapes {
            let projection = shape.projection
            let start = segments.count
            var low = SIMD2(repeating: Double.infinity), high = SIMD2(repeating: -Double.infinity)
            var radius = -1.0
            switch shape {
            case .circle(_, let radiusMeters):
                radius = radiusMeters
                low = SIMD2(repeating: -radiusMeters)
                high = SIMD2(repeating: radiusMeters)
            case .polygons:
                segments += shape.planarSegments(in: projection)
                for segment in segments[start...] {
                    low = pointwiseMin(low, SIMD2(segment.ax, segment.ay))
                    high = pointwiseMax(high, SIMD2(segment.ax, segment.ay))
                }
            }
            precondition(segments.count < Int(Int32.max), "too many fence edges to index")
            indexed.append(
                IndexedShape(
                    projection: projection, radius: radius, edgeStart: Int32(start), edgeEnd: Int32(segments.count),
                    low: low, high: high))
            sizes.append((high - low).max())
        }
        turns = Self.turns(indexed.map(\.projection.originLongitude))
        let reach = fastPathMeters + Self.slackMeters
        let boxes = zip(indexed, turns).map { shape, turn in
            let projection = shape.projection
            return (
                south: projection.originLatitude + (shape.low.y - reach) / LocalProjection.metersPerDegree,
                west: turn + projection.originLongitude + (shape.low.x - reach) / projection.metersPerDegreeLongitude,
                north: projection.originLatitude + (shape.high.y + reach) / LocalProjection.metersPerDegree,
                east: turn + projection.originLongitude + (shape.high.x + reach) / projection.metersPerDegreeLongitude)
        }
        let median = sizes.sorted().dropFirst(sizes.count / 2).first ?? 0
        grid = FenceGrid(covering: boxes, cellMeters: max(median / 32, fastPathMeters / 2.5, 1))
    }

    /// For each longitude, 0 or 360: the turn that brings it into the range of 360° that starts
    /// after the widest gap between them.
    private static func turns(_ longitudes: [Double]) -> [Double] {
        let sorted = longitudes.sorted()
        guard let lowest = sorted.first, let highest = sorted.last else { return [] }
        var start = lowest, widest = lowest + 360 - highest
        for (west, east) in zip(sorted, sorted.dropFirst()) where east - west > widest {
            widest = east - west
            start = east
        }
        return longitudes.map { $0 < start ? 360 : 0 }
    }

    /// Lists every shape in every cell it comes near, once for each turn of longitude that puts
    /// it in the grid, and sorts the entries by cell.
    mutating func build() -> (starts: [Int32], entries: [CellEntry]) {
        var entries: [CellEntry] = []
        var cells: [Int32] = []
        for index in indexed.indices {
            for turn in [-360.0, 0, 360] {
                rasterize(index, turn: turns[index] + turn, into: &entries, cells: &cells)
            }
        }
        precondition(entries.count < Int(Int32.max), "too many fence cells to index")
        var starts = [Int32](repeating: 0, count: grid.columns * grid.rows + 1)
        for cell in cells { starts[Int(cell) + 1] += 1 }
        for cell in starts.indices.dropFirst() { starts[cell] += starts[cell - 1] }
        var next = starts
        var sorted = entries
        for (entry, cell) in zip(entries, cells) {
            sorted[Int(next[Int(cell)])] = entry
            next[Int(cell)] += 1
        }
        return (starts, sorted)
    }

    /// The rectangles of a shape's cells in its frame, for one turn of the grid.
    private struct CellFrame {
        let originX: Double, originY: Double
        let width: Double, height: Double

        /// The cells whose rectangles meet the box from `low` to `high`, within the bounds given.
        func span(_ low: SIMD2<Double>, _ high: SIMD2<Double>, within bounds: CellSpan) -> CellSpan? {
            func range(_ from: Double, _ to: Double, _ bounds: ClosedRange<Int>) -> ClosedRange<Int>? {
                let first = max(Double(bounds.lowerBound), from.rounded(.down))
                let last = min(Double(bounds.upperBound), to.rounded(.down))
                return first <= last ? Int(first)...Int(last) : nil
            }
            guard let columns = range((low.x - originX) / width, (high.x - originX) / width, bounds.columns),
                let rows = range((low.y - originY) / height, (high.y - originY) / height, bounds.rows)
            else { return nil }
            return CellSpan(columns: columns, rows: rows)
        }
        func rectangle(column: Int, row: Int) -> (low: SIMD2<Double>, high: SIMD2<Double>) {
            let low = SIMD2(originX + Double(column) * width, originY + Double(row) * height)
            return (low, low + SIMD2(width, height))
        }
    }

    /// Adds the entries of one shape at one turn of longitude.
    private mutating func rasterize(_ index: Int, turn: Double, into entries: inout [CellEntry], cells: inout [Int32]) {
        let shape = indexed[index]
        let projection = shape.projection
        let frame = CellFrame(
            originX: (grid.west - turn - projection.originLongitude) * projection.metersPerDegreeLongitude,
            originY: (grid.south - projection.originLatitude) * LocalProjection.metersPerDegree,
            width: grid.cellLongitude * projection.metersPerDegreeLongitude,
            height: grid.cellLatitude * LocalProjection.metersPerDegree)
        let reach = fastPathMeters + Self.slackMeters
        guard grid.columns > 0, grid.rows > 0,
            let span = frame.span(
                shape.low - reach, shape.high + reach, within: CellSpan(columns: 0...grid.columns - 1, rows: 0...grid.rows - 1))
        else { return }
        if shape.radius >= 0 {
            for row in span.rows {
                for column in span.columns {
                    let (low, high) = frame.rectangle(column: column, row: row)
                    let nearest = pointwiseMax(pointwiseMax(low, -high), SIMD2(repeating: 0))
                    guard (nearest * nearest).sum().squareRoot() <= shape.radius + reach else { continue }
                    entries.append(
                        CellEntry(referenceX: 0, referenceY: 0, shape: Int32(index), edgeStart: 0, touching: 0, edgeCount: 0, inside: true))
                    cells.append(Int32(row * grid.columns + column))
                }
            }
        } else {
            rasterizePolygon(index, frame: frame, span: span, into: &entries, cells: &cells)
        }
    }

    /// The cells of a shape at one turn.
    private struct CellSpan {
        let columns: ClosedRange<Int>, rows: ClosedRange<Int>
        func local(column: Int, row: Int) -> Int { (row - rows.lowerBound) * columns.count + column - columns.lowerBound }
    }

    /// An edge near a cell, sorted by cell, then touching edges first, then by distance.
    private struct NearEdge {
        let key: UInt64
        let edge: Int32
        var cell: Int { Int(key >> 32) }
        var touching: Bool { key & (1 << 31) == 0 }
        var bound: Float { Float(bitPattern: UInt32(key & 0x7FFF_FFFF)) }
    }

    /// Adds the entries of a polygon shape: the edges near each cell, and each cell's reference point.
    private mutating func rasterizePolygon(
        _ index: Int, frame: CellFrame, span: CellSpan, into entries: inout [CellEntry], cells: inout [Int32]
    ) {
        let shape = indexed[index]
        let edges = Array(segments[Int(shape.edgeStart)..<Int(shape.edgeEnd)])
        let reach = fastPathMeters + Self.slackMeters
        var near: [NearEdge] = []
        for (edge, segment) in edges.enumerated() {
            let low = pointwiseMin(SIMD2(segment.ax, segment.ay), SIMD2(segment.bx, segment.by)) - reach
            let high = pointwiseMax(SIMD2(segment.ax, segment.ay), SIMD2(segment.bx, segment.by)) + reach
            guard let cells = frame.span(low, high, within: span) else { continue }
            for row in cells.rows {
                for column in cells.columns {
                    let (cellLow, cellHigh) = frame.rectangle(column: column, row: row)
                    let distance = segment.distance(toRectangle: cellLow, cellHigh)
                    guard distance <= reach else { continue }
                    let touching = distance <= Self.slackMeters
                    var bound = Float(max(0, distance - Self.slackMeters))
                    if Double(bound) > distance - Self.slackMeters { bound = max(0, bound.nextDown) }
                    let key = UInt64(span.local(column: column, row: row)) << 32 | (touching ? 0 : 1 << 31) | UInt64(bound.bitPattern)
                    near.append(NearEdge(key: key, edge: Int32(Int(shape.edgeStart) + edge)))
                }
            }
        }
        near.sort { $0.key < $1.key }
        var cursor = 0
        for row in span.rows {
            let (rowLow, rowHigh) = frame.rectangle(column: span.columns.lowerBound, row: row)
            let centreY = (rowLow.y + rowHigh.y) / 2
            var crossings = edges.compactMap { segment -> Double? in
                guard (segment.ay > centreY) != (segment.by > centreY) else { return nil }
                return segment.ax + (centreY - segment.ay) * (segment.bx - segment.ax) / (segment.by - segment.ay)
            }
            crossings.sort()
            var passed = 0
            for column in span.columns {
                let local = span.local(column: column, row: row)
                let first = cursor
                while cursor < near.count, near[cursor].cell == local { cursor += 1 }
                let cellEdges = near[first..<cursor]
                let (low, high) = frame.rectangle(column: column, row: row)
                let centre = (low + high) / 2
                while passed < crossings.count, crossings[passed] <= centre.x { passed += 1 }
                var reference = centre
                var inside = (crossings.count - passed) % 2 == 1
                let touchingEdges = cellEdges.prefix { $0.touching }.map { segments[Int($0.edge)] }
                if !Self.isClear(centre, of: touchingEdges) {
                    reference = Self.clearPoint(in: low, high, of: touchingEdges) ?? centre
                    inside = edges.reduce(false) { $0 != $1.crossesRay(reference.x, reference.y) }
                }
                guard !cellEdges.isEmpty || inside else { continue }
                entries.append(
                    CellEntry(
                        referenceX: reference.x, referenceY: reference.y, shape: Int32(index), edgeStart: Int32(edgeIndices.count),
                        touching: UInt16(touchingEdges.count), edgeCount: UInt16(cellEdges.count), inside: inside))
                cells.append(Int32(row * grid.columns + column))
                for edge in cellEdges {
                    edgeIndices.append(edge.edge)
                    edgeBounds.append(edge.touching ? 0 : edge.bound)
                }
            }
        }
        precondition(edgeIndices.count < Int(Int32.max), "too many fence edges to index")
    }

    /// Whether a point lies more than the slack from every one of some edges.
    private static func isClear(_ point: SIMD2<Double>, of edges: [PlanarSegment]) -> Bool {
        edges.allSatisfy { $0.distanceSquared(point.x, point.y) > slackMeters * slackMeters }
    }

    /// A point of the rectangle clear of the edges, from a few fixed candidates.
    private static func clearPoint(in low: SIMD2<Double>, _ high: SIMD2<Double>, of edges: [PlanarSegment]) -> SIMD2<Double>? {
        let candidates: [SIMD2<Double>] = [[0.31, 0.43], [0.67, 0.59], [0.39, 0.71], [0.61, 0.29], [0.23, 0.17], [0.83, 0.87]]
        return candidates.lazy.map { low + $0 * (high - low) }.first { isClear($0, of: edges) }
    }
}

extension PlanarSegment {
    /// The distance from this segment to a closed rectangle: 0 when they meet.
    func distance(toRectangle low: SIMD2<Double>, _ high: SIMD2<Double>) -> Double {
        if meets(rectangle: low, high) { return 0 }
        func toRectangle(_ x: Double, _ y: Double) -> Double {
            let dx = max(low.x - x, 0, x - high.x), dy = max(low.y - y, 0, y - high.y)
            return (dx * dx + dy * dy).squareRoot()
        }
        let corners = [SIMD2(low.x, low.y), SIMD2(high.x, low.y), SIMD2(low.x, high.y), SIMD2(high.x, high.y)]
        let fromCorners = corners.map { distanceSquared($0.x, $0.y) }.min()!.squareRoot()
        return min(toRectangle(ax, ay), toRectangle(bx, by), fromCorners)
    }

    /// Whether this segment meets a closed rectangle (Liang–Barsky clipping).
    private func meets(rectangle low: SIMD2<Double>, _ high: SIMD2<Double>) -> Bool {
        let dx = bx - ax, dy = by - ay
        var enter = 0.0, leave = 1.0
        for (p, q) in [(-dx, ax - low.x), (dx, high.x - ax), (-dy, ay - low.y), (dy, high.y - ay)] {
            if p == 0 {
                if q < 0 { return false }
            } else if p < 0 {
                enter = max(enter, q / p)
            } else {
                leave = min(leave, q / p)
            }
        }
        return enter <= leave
    }
}
