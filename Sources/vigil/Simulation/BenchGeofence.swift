import ArgumentParser
import Foundation
import VigilCore

/// `vigil bench geofence`: fixes classified per second against many fences and against one large one.
struct BenchGeofence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofence",
        abstract: "Measure fixes classified per second by the fence index, on one thread.",
        discussion: """
            Generates --fixes fixes uniform over a square of --side meters about 41.88 N, 87.63 W, each with \
            an accuracy uniform in 5 to 50 m and a 25 m margin, then classifies them all on one thread in two \
            phases: against 1,000 overlapping star-shaped 64-vertex fences with radii of 0.5% to 3% of the side \
            (about two thirds of the fixes inside one), and against one fence covering about a quarter of the \
            square. For comparison, classifies the first 100,000 fixes against the 1,000 fences without the grid \
            (a fast path of 0 m: the exact relation with each fence whose bounding box holds the fix), and the \
            first 2,000 by each fence's FenceShape.relation in turn (brute force), counting the answers that \
            differ from the index's. Prints each \
            phase's index build time, fixes per second and the shares of the answers; with \
            --json, one JSON object on the last line. In process, no server. Run it on a release build: \
            swift build -c release.
            """)

    @Option(help: "How many fixes to classify in each phase.")
    var fixes = 1_000_000

    @Option(help: "The side of the square the fixes and fences lie in, in meters.")
    var side = 20_000.0

    @Option(help: "The seed of the generated fences and fixes.")
    var seed: UInt64 = 1

    @Flag(help: "Also print the figures as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard (1_000...100_000_000).contains(fixes) else { throw ValidationError("--fixes must be 1000 to 100000000") }
        guard (1_000...150_000).contains(side) else { throw ValidationError("--side must be 1000 to 150000 meters") }
    }

    func run() async throws {
        var random = SplitMix64(seed: seed)
        let frame = LocalProjection(originLatitude: 41.88, originLongitude: -87.63)
        let half = side / 2
        let points = (0..<fixes).map { _ in
            frame.unproject(SIMD2(random.uniform(-half...half), random.uniform(-half...half)))
        }
        let accuracies = (0..<fixes).map { _ in random.uniform(5...50) }
        let many = try (0..<1_000).map { _ in
            let center = SIMD2(random.uniform(-half...half), random.uniform(-half...half))
            return try Self.star(frame: frame, center: center, radius: side * random.uniform(0.005...0.03), using: &random)
        }
        let large = try Self.star(frame: frame, center: .zero, radius: side / (2 * Double.pi.squareRoot()), using: &random)
        let report = GeofenceBenchReport(
            fixes: fixes, side: side,
            manyFences: Self.phase(many, points: points, accuracies: accuracies),
            oneLargeFence: Self.phase([large], points: points, accuracies: accuracies),
            withoutGrid: Self.phase(many, fastPathMeters: 0, points: Array(points.prefix(100_000)), accuracies: accuracies),
            bruteForce: Self.bruteForce(many, points: points.prefix(2_000), accuracies: accuracies))
        print("1,000 fences:      \(report.manyFences.line)")
        print("one large fence:   \(report.oneLargeFence.line)")
        print("without the grid:  \(report.withoutGrid.line)")
        print(
            String(
                format: "brute force:       %12.0f fixes per second against the 1,000 fences (%d fixes, %d answers differ from the index's)",
                report.bruteForce.fixesPerSecond, report.bruteForce.fixes, report.bruteForce.disagreements))
        if json { print(try JSONLine.encode(report)) }
    }

    /// A star-shaped fence of 64 vertices, each at a random distance within ±20% of the radius.
    static func star(frame: LocalProjection, center: SIMD2<Double>, radius: Double, using random: inout SplitMix64) throws -> FenceShape {
        let ring = (0..<64).map { index in
            let angle = Double(index) * 2 * Double.pi / 64
            return frame.unproject(center + SIMD2(cos(angle), sin(angle)) * radius * random.uniform(0.8...1.2))
        }
        return try FenceShape(geometry: .polygon([ring + [ring[0]]]), radiusMeters: nil)
    }

    /// Builds an index of the fences, then classifies every fix against it.
    static func phase(_ fences: [FenceShape], fastPathMeters: Double = 250, points: [GeoPoint], accuracies: [Double]) -> GeofencePhase {
        let buildStart = ContinuousClock.now
        let index = FenceIndex(fences, fastPathMeters: fastPathMeters)
        let buildSeconds = SimulatedFleet.seconds(since: buildStart)
        var inside = 0, outside = 0
        let start = ContinuousClock.now
        for (fix, accuracy) in zip(points, accuracies) {
            switch index.classify(fix, accuracyMeters: accuracy, marginMeters: 25) {
            case .inside: inside += 1
            case .outside: outside += 1
            case .unknown: break
            }
        }
        let seconds = SimulatedFleet.seconds(since: start)
        // Untimed: the fixes whose position (without its accuracy) lies in some fence.
        let covered = points.count { index.classify($0, accuracyMeters: 0, marginMeters: 0) != .outside }
        let total = Double(points.count)
        return GeofencePhase(
            fences: fences.count, buildSeconds: buildSeconds, fixesPerSecond: total / seconds,
            coveredShare: Double(covered) / total, insideShare: Double(inside) / total, outsideShare: Double(outside) / total,
            unknownShare: Double(points.count - inside - outside) / total)
    }

    /// Classifies fixes by ``FenceShape/relation(of:accuracyMeters:marginMeters:)`` with every fence
    /// in turn, the comparison the index is measured against, and counts the answers that differ
    /// from the index's.
    static func bruteForce(_ fences: [FenceShape], points: ArraySlice<GeoPoint>, accuracies: [Double]) -> GeofenceBruteForce {
        var answers: [FixClassification] = []
        let start = ContinuousClock.now
        for (fix, accuracy) in zip(points, accuracies) {
            let relations = fences.map { $0.relation(of: fix, accuracyMeters: accuracy, marginMeters: 25) }
            if let inside = relations.firstIndex(of: .within) {
                answers.append(.inside(inside))
            } else {
                answers.append(relations.allSatisfy { $0 == .clear } ? .outside : .unknown)
            }
        }
        let seconds = SimulatedFleet.seconds(since: start)
        let index = FenceIndex(fences)
        let disagreements = zip(zip(points, accuracies), answers).count { fix, answer in
            index.classify(fix.0, accuracyMeters: fix.1, marginMeters: 25) != answer
        }
        return GeofenceBruteForce(fixes: points.count, fixesPerSecond: Double(points.count) / seconds, disagreements: disagreements)
    }
}

/// The figures of one phase of `vigil bench geofence`.
struct GeofencePhase: Encodable {
    let fences: Int
    /// Seconds to build the index.
    let buildSeconds: Double
    /// Fixes classified per second on one thread.
    let fixesPerSecond: Double
    /// The share of the fixes whose position lies in some fence, whatever its accuracy.
    let coveredShare: Double
    /// The shares of the answers: inside a fence, outside all, unknown.
    let insideShare: Double, outsideShare: Double, unknownShare: Double

    var line: String {
        String(
            format: "%12.0f fixes per second (index built in %.3f s; %.1f%% in a fence; answers %.1f%% inside, %.1f%% outside, %.1f%% unknown)",
            fixesPerSecond, buildSeconds, coveredShare * 100, insideShare * 100, outsideShare * 100, unknownShare * 100)
    }
}

/// The brute-force comparison of `vigil bench geofence`.
struct GeofenceBruteForce: Encodable {
    let fixes: Int
    /// Fixes classified per second by the per-shape relation over every fence, on one thread.
    let fixesPerSecond: Double
    /// The fixes whose answer differs from the index's (0 expected).
    let disagreements: Int
}

/// The figures of `vigil bench geofence`.
struct GeofenceBenchReport: Encodable {
    var benchmark = "geofence"
    let fixes: Int
    let side: Double
    let manyFences: GeofencePhase
    let oneLargeFence: GeofencePhase
    /// The 1,000 fences indexed with a fast path of 0 m: every fix is decided exactly against each
    /// fence whose bounding box holds it (the index's fallback), on the first 100,000 fixes.
    let withoutGrid: GeofencePhase
    let bruteForce: GeofenceBruteForce
}
