import Foundation
import Testing
import VigilCore

/// The hand-written base64url agrees with Foundation's base64 and refuses what is not base64url.
@Suite struct Base64URLTests {
    @Test func agreesWithFoundationAndRoundTrips() {
        var random = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == expected)
            #expect(Base64URL.decode(encoded) == Data(bytes))
        }
    }

    @Test func refusesWhatIsNotBase64URL() {
        for text in ["AA==", "A+B/", "abcde", "ab c", "é"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
        #expect(Base64URL.decode("AA") == Data([0]))
        #expect(Base64URL.decode("AB") == nil, "stray bits in the last character")
        #expect(Base64URL.decode("") == Data())
    }
}
