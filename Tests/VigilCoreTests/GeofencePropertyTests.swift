import Foundation
import Testing
@testable import VigilCore

/// Random fences and fixes around them.
enum FenceGenerator {
    /// The open ring of a star-shaped polygon about a centre: `count` vertices at evenly spread
    /// angles (jittered), each at a random distance in `band` times `radius`.
    static func star(
        center: GeoPoint, offset: SIMD2<Double> = .zero, radius: Double, count: Int, band: ClosedRange<Double>,
        using random: inout SplitMix64
    ) -> [GeoPoint] {
        let frame = LocalProjection(originLatitude: center.latitude, originLongitude: center.longitude)
        let phase = random.uniform(0...(2 * .pi))
        return (0..<count).map { index in
            let angle = phase + (Double(index) + random.uniform(-0.3...0.3)) * 2 * .pi / Double(count)
            let distance = radius * random.uniform(band)
            return frame.unproject(offset + SIMD2(cos(angle), sin(angle)) * distance)
        }
    }

    /// Closes a ring, and runs it either way round.
    static func closed(_ ring: [GeoPoint], using random: inout SplitMix64) -> [GeoPoint] {
        let ring = random.chance(0.5) ? ring.reversed() : ring
        return ring + [ring[0]]
    }

    /// The closed rings of a star polygon with zero to two holes.
    static func polygonRings(center: GeoPoint, radius: Double, using random: inout SplitMix64) -> [[GeoPoint]] {
        let vertices = Int.random(in: 6...40, using: &random)
        var rings = [closed(star(center: center, radius: radius, count: vertices, band: 0.5...1, using: &random), using: &random)]
        let holes = Int.random(in: 0...2, using: &random)
        for hole in 0..<holes {
            let offset = SIMD2(holes == 1 ? 0 : (hole == 0 ? 0.15 : -0.15) * radius, 0)
            let holeRadius = radius * random.uniform(0.05...0.12)
            let count = Int.random(in: 5...12, using: &random)
            rings.append(closed(star(center: center, offset: offset, radius: holeRadius, count: count, band: 0.5...1, using: &random), using: &random))
        }
        return rings
    }

    /// A random fence about a centre: a polygon, a MultiPolygon of separate parts, or a circle.
    static func shape(center: GeoPoint, radius: Double, using random: inout SplitMix64) throws -> FenceShape {
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            return try FenceShape(geometry: .point(center), radiusMeters: radius)
        case 1:
            let frame = LocalProjection(originLatitude: center.latitude, originLongitude: center.longitude)
            let parts = Int.random(in: 2...3, using: &random)
            let polygons = (0..<parts).map { part in
                let partCenter = frame.unproject(SIMD2(Double(part) * 2.3 * radius / 2, Double(part % 2) * radius / 3))
                return polygonRings(center: partCenter, radius: radius / 2, using: &random)
            }
            return try FenceShape(geometry: .multiPolygon(polygons), radiusMeters: nil)
        default:
            return try FenceShape(geometry: .polygon(polygonRings(center: center, radius: radius, using: &random)), radiusMeters: nil)
        }
    }

    /// A point on the edge from `a` to `b` of a ring, a fraction `t` along it in degrees (the
    /// longitude taken the short way round).
    static func along(_ a: GeoPoint, _ b: GeoPoint, _ t: Double) -> GeoPoint {
        let step = LocalProjection.wrapped(b.longitude - a.longitude)
        return GeoPoint(
            latitude: a.latitude + t * (b.latitude - a.latitude),
            longitude: LocalProjection.wrapped(a.longitude + t * step))
    }

    /// Fixes around shapes: mostly uniform over the shapes' surroundings, some exactly on vertices
    /// and edges.
    static func fixes(around shapes: [FenceShape], count: Int, using random: inout SplitMix64) -> [GeoPoint] {
        (0..<count).map { _ in
            let shape = shapes.randomElement(using: &random)!
            switch (shape, random.uniform(0...1)) {
            case (.polygons(let polygons), 0.8...):
                let ring = polygons.randomElement(using: &random)!.rings.randomElement(using: &random)!
                let index = Int.random(in: 0..<ring.count, using: &random)
                if random.chance(0.5) { return ring[index] }
                return along(ring[index], ring[(index + 1) % ring.count], random.uniform(0...1))
            case (.circle(let center, let radius), 0.9...):
                let angle = random.uniform(0...(2 * .pi))
                let frame = LocalProjection(originLatitude: center.latitude, originLongitude: center.longitude)
                return frame.unproject(SIMD2(cos(angle), sin(angle)) * radius)
            default:
                let frame = shape.projection
                let half = ReferenceRelation.halfExtent(of: shape) * 1.3 + 300
                return frame.unproject(SIMD2(random.uniform(-half...half), random.uniform(-half...half)))
            }
        }
    }

    /// An accuracy: zero, small, or large (beyond the default fast path).
    static func accuracy(using random: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: 0
        case 1: random.uniform(0...30)
        case 2: random.uniform(30...200)
        default: random.uniform(200...1500)
        }
    }
}

/// The brute-force reference, written apart from the engine: ray casting to infinity over every
/// edge, and the distance to every edge, in the frame the engine shares (``LocalProjection``).
struct ReferenceRelation {
    let distance: Double
    let inRegion: Bool

    init(_ shape: FenceShape, _ fix: GeoPoint) {
        let frame = shape.projection
        let p = frame.project(fix)
        switch shape {
        case .circle(_, let radius):
            let fromCentre = (p.x * p.x + p.y * p.y).squareRoot()
            distance = abs(fromCentre - radius)
            inRegion = fromCentre <= radius || distance <= 1e-6
        case .polygons(let polygons):
            var crossings = 0
            var nearest = Double.infinity
            for ring in polygons.flatMap({ [$0.exterior] + $0.holes }) {
                let points = ring.map(frame.project)
                for (a, b) in zip(points, points.dropFirst() + [points[0]]) {
                    if (a.y <= p.y && b.y > p.y) || (b.y <= p.y && a.y > p.y) {
                        let x = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x)
                        if x > p.x { crossings += 1 }
                    }
                    let ab = b - a
                    let t = min(1, max(0, ((p - a) * ab).sum() / (ab * ab).sum()))
                    let offset = a + ab * t - p
                    nearest = min(nearest, (offset * offset).sum().squareRoot())
                }
            }
            distance = nearest
            inRegion = crossings % 2 == 1 || nearest <= 1e-6
        }
    }

    func relation(accuracy: Double, margin: Double) -> FenceRelation {
        if inRegion && distance >= accuracy { return .within }
        if !inRegion && distance > accuracy + margin { return .clear }
        return .ambiguous
    }

    /// Whether the distance is too close to a threshold for two computations to agree (a zero
    /// accuracy or reach is no threshold: every distance is at least zero).
    func isBorderline(accuracy: Double, margin: Double) -> Bool {
        ([1e-6] + [accuracy, accuracy + margin].filter { $0 > 0 }).contains { abs(distance - $0) < 1e-7 }
    }

    static func classification(_ shapes: [FenceShape], _ fix: GeoPoint, accuracy: Double, margin: Double) -> FixClassification {
        let relations = shapes.map { ReferenceRelation($0, fix).relation(accuracy: accuracy, margin: margin) }
        if let index = relations.firstIndex(of: .within) { return .inside(index) }
        return relations.allSatisfy { $0 == .clear } ? .outside : .unknown
    }

    static func halfExtent(of shape: FenceShape) -> Double {
        switch shape {
        case .circle(_, let radius): return radius
        case .polygons(let polygons):
            let frame = shape.projection
            return polygons.flatMap(\.exterior).map { frame.project($0) }.map { max(abs($0.x), abs($0.y)) }.max()!
        }
    }
}

struct GeofencePropertyTests {
    /// Compares the index and each shape's relation with the reference over random fences.
    private func compare(seed: UInt64, rounds: Int, centers: (inout SplitMix64) -> GeoPoint) throws {
        var random = SplitMix64(seed: seed)
        var cases = 0, borderline = 0
        for round in 0..<rounds {
            let center = centers(&random)
            let frame = LocalProjection(originLatitude: center.latitude, originLongitude: center.longitude)
            let shapes = try (0..<Int.random(in: 1...6, using: &random)).map { _ in
                let offset = SIMD2(random.uniform(-800...800), random.uniform(-800...800))
                return try FenceGenerator.shape(center: frame.unproject(offset), radius: random.uniform(40...1500), using: &random)
            }
            let fastPath = [250.0, 250, 80, 0].randomElement(using: &random)!
            let index = FenceIndex(shapes, fastPathMeters: fastPath)
            #expect(index.count == shapes.count)
            for fix in FenceGenerator.fixes(around: shapes, count: 60, using: &random) {
                let accuracy = FenceGenerator.accuracy(using: &random)
                let margin = random.chance(0.3) ? 0 : random.uniform(0...60)
                if shapes.contains(where: { ReferenceRelation($0, fix).isBorderline(accuracy: accuracy, margin: margin) }) {
                    borderline += 1
                    continue
                }
                cases += 1
                let expected = ReferenceRelation.classification(shapes, fix, accuracy: accuracy, margin: margin)
                let found = index.classify(fix, accuracyMeters: accuracy, marginMeters: margin)
                #expect(
                    found == expected,
                    "seed \(seed) round \(round): fix \(fix) accuracy \(accuracy) margin \(margin) fast path \(fastPath)")
                for shape in shapes {
                    let relation = shape.relation(of: fix, accuracyMeters: accuracy, marginMeters: margin)
                    #expect(
                        relation == ReferenceRelation(shape, fix).relation(accuracy: accuracy, margin: margin),
                        "seed \(seed) round \(round): relation to \(shape) of \(fix) accuracy \(accuracy) margin \(margin)")
                }
                if found != expected { return }
            }
        }
        #expect(borderline * 100 < cases, "seed \(seed): \(borderline) borderline cases of \(cases)")
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func indexAndRelationMatchTheReference(seed: UInt64) throws {
        try compare(seed: seed, rounds: 40) { random in
            GeoPoint(latitude: random.uniform(-80...80), longitude: random.uniform(-179.9...179.9))
        }
    }

    @Test(arguments: [11, 12] as [UInt64])
    func fencesAcrossTheAntimeridianMatchTheReference(seed: UInt64) throws {
        try compare(seed: seed, rounds: 40) { random in
            let longitude = random.uniform(179.99...180.01)
            return GeoPoint(latitude: random.uniform(-70...70), longitude: LocalProjection.wrapped(longitude))
        }
    }

    @Test func fixesOnVerticesAndEdgesWithNoAccuracyAreWithin() throws {
        var random = SplitMix64(seed: 99)
        for _ in 0..<20 {
            let shape = try FenceShape(
                geometry: .polygon(FenceGenerator.polygonRings(center: GeoPoint(latitude: 41.88, longitude: -87.63), radius: 500, using: &random)),
                radiusMeters: nil)
            guard case .polygons(let polygons) = shape else { continue }
            let index = FenceIndex([shape])
            for ring in polygons[0].rings {
                for (a, b) in zip(ring, ring.dropFirst() + [ring[0]]) {
                    for fix in [a, FenceGenerator.along(a, b, random.uniform(0...1))] {
                        #expect(shape.relation(of: fix, accuracyMeters: 0, marginMeters: 10) == .within, "seed 99: \(fix)")
                        #expect(index.classify(fix, accuracyMeters: 0, marginMeters: 10) == .inside(0), "seed 99: \(fix)")
                        #expect(index.classify(fix, accuracyMeters: 1, marginMeters: 10) == .unknown, "seed 99: \(fix)")
                    }
                }
            }
        }
    }
}
