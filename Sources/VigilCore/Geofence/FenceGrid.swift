import Foundation

/// The dense grid of a ``FenceIndex``: cells of equal size in degrees over the index's bounding
/// box, which may run past ±180° so that fences on both sides of the antimeridian lie in one
/// contiguous range of longitudes.
struct FenceGrid: Sendable {
    /// The western edge of column 0 and the southern edge of row 0, in degrees.
    let west: Double, south: Double
    /// A cell's width and height, in degrees.
    let cellLongitude: Double, cellLatitude: Double
    /// Their inverses, for the lookup.
    let columnsPerDegree: Double, rowsPerDegree: Double
    /// The grid's size in cells.
    let columns: Int, rows: Int

    /// The most cells a grid may have; larger cells are used beyond it.
    static let maximumCells = 2_000_000

    /// The grid that covers every box of (south, west, north, east) degrees, with cells of about
    /// `cellMeters` on a side, or larger ones if that many cells would be too many.
    init(covering boxes: [(south: Double, west: Double, north: Double, east: Double)], cellMeters: Double) {
        guard !boxes.isEmpty else {
            self.init(west: 0, south: 0, cellLongitude: 1, cellLatitude: 1, columns: 0, rows: 0)
            return
        }
        let south = boxes.map(\.south).min()!, north = boxes.map(\.north).max()!
        let west = boxes.map(\.west).min()!, east = boxes.map(\.east).max()!
        let middle = min(abs((south + north) / 2), FenceShape.maximumLatitude)
        let stretch = 1 / cos(middle * Double.pi / 180)
        var side = cellMeters
        while true {
            let cellLatitude = side / LocalProjection.metersPerDegree
            let cellLongitude = cellLatitude * stretch
            let columns = max(1, Int(((east - west) / cellLongitude).rounded(.up)))
            let rows = max(1, Int(((north - south) / cellLatitude).rounded(.up)))
            if columns * rows <= Self.maximumCells {
                self.init(west: west, south: south, cellLongitude: cellLongitude, cellLatitude: cellLatitude, columns: columns, rows: rows)
                return
            }
            side *= (Double(columns * rows) / Double(Self.maximumCells)).squareRoot() * 1.01
        }
    }

    private init(west: Double, south: Double, cellLongitude: Double, cellLatitude: Double, columns: Int, rows: Int) {
        self.west = west
        self.south = south
        self.cellLongitude = cellLongitude
        self.cellLatitude = cellLatitude
        columnsPerDegree = 1 / cellLongitude
        rowsPerDegree = 1 / cellLatitude
        self.columns = columns
        self.rows = rows
    }

    /// The index of the cell that holds a position, trying its longitude one turn east and west
    /// too; `nil` outside the grid (or for a position that is not finite).
    @inline(__always)
    func cell(latitude: Double, longitude: Double) -> Int? {
        let row = (latitude - south) * rowsPerDegree
        guard row >= 0, row < Double(rows) else { return nil }
        var column = (longitude - west) * columnsPerDegree
        if !(column >= 0 && column < Double(columns)) {
            column = (longitude + 360 - west) * columnsPerDegree
            if !(column >= 0 && column < Double(columns)) {
                column = (longitude - 360 - west) * columnsPerDegree
                guard column >= 0, column < Double(columns) else { return nil }
            }
        }
        return Int(row) * columns + Int(column)
    }
}
