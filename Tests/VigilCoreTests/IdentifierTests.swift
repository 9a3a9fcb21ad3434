import Foundation
import Testing
import VigilCore

@Suite struct IdentifierTests {
    @Test func identifiersCarryTheirPrefixAndSortByCreationTime() {
        let earlier = PersonID.generate(at: Date(timeIntervalSince1970: 1_700_000_000))
        let later = PersonID.generate(at: Date(timeIntervalSince1970: 1_700_000_000.001))
        #expect(earlier.rawValue.hasPrefix("per_"))
        #expect(earlier.rawValue.count == 4 + 26)
        #expect(earlier < later)
        #expect(FacilityID.generate(at: Date()).rawValue.hasPrefix("fac_"))
    }

    @Test func theTimePartIsCrockfordBase32OfMilliseconds() {
        var zeros = ZeroGenerator()
        let id = APITokenID.generate(at: Date(timeIntervalSince1970: 0.001 * 32), using: &zeros)
        #expect(id.rawValue == "tok_0000000010" + String(repeating: "0", count: 16))
    }

    @Test func identifiersAreUnique() {
        let now = Date()
        let ids = (0..<10_000).map { _ in AuditEventID.generate(at: now) }
        #expect(Set(ids).count == ids.count)
    }

    @Test func identifiersEncodeAsPlainStrings() throws {
        let id = PersonID(rawValue: "per_x")
        #expect(String(decoding: try JSONEncoder().encode([id]), as: UTF8.self) == #"["per_x"]"#)
    }
}

/// Always returns 0, to make random parts predictable.
struct ZeroGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 { 0 }
}
