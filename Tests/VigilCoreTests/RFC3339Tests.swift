import Foundation
import Testing
import VigilCore

/// The hand-written timestamp formatting and parsing agree with Foundation's, to the millisecond.
@Suite struct RFC3339Tests {
    @Test func formattingAndParsingAgreeWithFoundation() throws {
        var random = SystemRandomNumberGenerator()
        let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let fixed: [Int64] = [0, -1, 951_782_400_000, 4_107_542_399_999, -2_208_988_800_000, 1_709_164_800_123]
        let samples = fixed + (0..<2_000).map { _ in Int64.random(in: -2_208_988_800_000...4_102_444_800_000, using: &random) }
        for milliseconds in samples {
            let date = Date(millisecondsSince1970: milliseconds)
            let text = RFC3339.format(date)
            #expect(text.count == 24, "\(text)")
            let expected = try Date(text, strategy: foundation)
            #expect(expected.millisecondsSince1970 == milliseconds, "\(text) for \(milliseconds)")
            #expect(RFC3339.parse(text)?.millisecondsSince1970 == milliseconds, "\(text)")
        }
        #expect(RFC3339.format(Date(millisecondsSince1970: 1_709_164_800_123)) == "2024-02-29T00:00:00.123Z")
        #expect(RFC3339.parse("2026-11-29T07:30:00.250+01:00")?.millisecondsSince1970 == 1_795_933_800_250)
    }
}
