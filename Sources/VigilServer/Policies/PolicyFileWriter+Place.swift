import Foundation
import VigilCore
import Yams

// Writing the place parts of a policy file: a policy's `conditions:` and the `fences:` section,
// and the lines of one fence, which `vigil policy apply` compares on its own.

extension PolicyFile {
    /// The text of `fences:`, when the file has it.
    var placeSections: [String] {
        fences.map { [Self.list("fences", $0.map(\.fileNode))] } ?? []
    }

    /// The lines a file writes for one fence of `fences:`, as a one-item list.
    /// - Parameter fence: The fence.
    /// - Returns: Its lines, without line breaks.
    public static func lines(of fence: FenceEntry) -> [String] { lines(emit(Node([fence.fileNode]))) }
}

extension AccessConditions {
    /// The conditions as a mapping, in the order of their declarations, without those left out.
    var fileNode: Node {
        var pairs: [(Node, Node)] = []
        if let requireInsideFacility { pairs.append(("requireInsideFacility", .flag(requireInsideFacility))) }
        if let requireOnShift { pairs.append(("requireOnShift", .flag(requireOnShift))) }
        if let outsideAfterSeconds { pairs.append(("outsideAfterSeconds", .number(outsideAfterSeconds))) }
        if let outsideAfterFixes { pairs.append(("outsideAfterFixes", .number(outsideAfterFixes))) }
        if let outsideMarginMeters { pairs.append(("outsideMarginMeters", .number(outsideMarginMeters))) }
        if let staleAfterMinutes { pairs.append(("staleAfterMinutes", .number(staleAfterMinutes))) }
        if let staleBlocksPHI { pairs.append(("staleBlocksPHI", .flag(staleBlocksPHI))) }
        if let leftBehindAfterMinutes { pairs.append(("leftBehindAfterMinutes", .number(leftBehindAfterMinutes))) }
        if let leftBehindResponse { pairs.append(("leftBehindResponse", .text(leftBehindResponse.rawValue))) }
        return Node(pairs)
    }
}

extension PolicyFile.FenceEntry {
    /// The fence as a mapping: facility, name, geometry, and a circle's radius.
    fileprivate var fileNode: Node {
        let (geometry, radius) = draft.shape.geoJSON
        var pairs: [(Node, Node)] = [
            ("facility", .text(facility)), ("name", .text(draft.name)), ("geometry", geometry.fileNode),
        ]
        if let radius { pairs.append(("radius", .decimal(radius))) }
        return Node(pairs)
    }
}

extension GeoJSON.Geometry {
    /// The geometry as a mapping: a Point's position on one line, a polygon's rings as lists of
    /// one position a line, so that a moved vertex is one changed line.
    fileprivate var fileNode: Node {
        let coordinates: Node =
            switch self.coordinates {
            case .position(let point): .position(point)
            case .positions(let points): Node(points.map(Node.position))
            case .rings(let rings): Node(rings.map { Node($0.map(Node.position)) })
            case .polygons(let polygons): Node(polygons.map { Node($0.map { Node($0.map(Node.position)) }) })
            }
        let pairs: [(Node, Node)] = [("type", Node(type.rawValue)), ("coordinates", coordinates)]
        return Node(pairs)
    }
}

extension Node {
    /// A position as GeoJSON writes it, `[longitude, latitude]`, on one line.
    fileprivate static func position(_ point: GeoPoint) -> Node {
        Node([.decimal(point.longitude), .decimal(point.latitude)], .implicit, .flow)
    }

    /// A number, without a fraction when it has none (`120`), else in the shortest decimal text
    /// that reads back as the same number (`-89.6512`).
    fileprivate static func decimal(_ value: Double) -> Node {
        Node(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)")
    }
}
