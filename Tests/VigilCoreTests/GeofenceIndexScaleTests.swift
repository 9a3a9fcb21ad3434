import Foundation
import Testing
@testable import VigilCore

struct GeofenceIndexScaleTests {
    /// The answers for fixes near ten fences do not change when 9,990 other fences, none of them
    /// near those fixes, are indexed with them; and the other fences are found too.
    @Test func tenFencesAnswerTheSameAmongTenThousand() throws {
        var random = SplitMix64(seed: 10_000)
        let chicago = LocalProjection(originLatitude: 41.88, originLongitude: -87.63)
        let near = try (0..<10).map { _ in
            try FenceGenerator.shape(
                center: chicago.unproject(SIMD2(random.uniform(-2_000...2_000), random.uniform(-2_000...2_000))),
                radius: random.uniform(100...600), using: &random)
        }
        let far = try (0..<9_990).map { index in
            let center = chicago.unproject(SIMD2(Double(index % 100) * 500 + 5_000, Double(index / 100) * 500 + 5_000))
            let ring = FenceGenerator.star(center: center, radius: 150, count: 8, band: 0.6...1, using: &random)
            return try FenceShape(geometry: .polygon([ring + [ring[0]]]), radiusMeters: nil)
        }
        let small = FenceIndex(near)
        let large = FenceIndex(near + far)
        #expect(large.count == 10_000)
        var answers: [FixClassification: Int] = [:]
        for fix in FenceGenerator.fixes(around: near, count: 3_000, using: &random) {
            let accuracy = random.uniform(0...100), margin = random.uniform(0...50)
            let answer = small.classify(fix, accuracyMeters: accuracy, marginMeters: margin)
            #expect(large.classify(fix, accuracyMeters: accuracy, marginMeters: margin) == answer, "seed 10000: \(fix)")
            answers[answer.kind, default: 0] += 1
        }
        #expect(answers.count == 3, "\(answers)")
        for (offset, shape) in far.enumerated().filter({ $0.offset % 997 == 0 }) {
            guard case .polygons(let polygons) = shape else { continue }
            let center = polygons[0].exterior.reduce(SIMD2<Double>.zero) { $0 + shape.projection.project($1) } / 8
            let fix = shape.projection.unproject(center)
            #expect(large.classify(fix, accuracyMeters: 5, marginMeters: 10) == .inside(10 + offset))
            #expect(small.classify(fix, accuracyMeters: 5, marginMeters: 10) == .outside)
        }
    }
}

extension FixClassification {
    /// The classification without the fence's index, to count the kinds of answer.
    var kind: FixClassification {
        if case .inside = self { return .inside(0) }
        return self
    }
}
