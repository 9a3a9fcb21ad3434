import Foundation
import Testing
import VigilCore

@Suite struct ValidationTests {
    @Test func textIsTrimmedAndBounded() throws {
        #expect(try Validate.text("  Mercy  ", field: "name", maximumLength: 10) == "Mercy")
        #expect(throws: ValidationError(field: "name", message: "must not be empty")) {
            try Validate.text(" \n ", field: "name", maximumLength: 10)
        }
        #expect(throws: ValidationError.self) { try Validate.text(String(repeating: "x", count: 11), field: "n", maximumLength: 10) }
        #expect(throws: ValidationError.self) { try Validate.text("a\u{0}b", field: "n", maximumLength: 10) }
    }

    @Test func emailsAreLowercasedAndChecked() throws {
        #expect(try Validate.email(" Grace@Mercy.Example ") == "grace@mercy.example")
        for bad in ["grace", "@mercy.example", "grace@", "a@b@c", "gr ace@mercy.example"] {
            #expect(throws: ValidationError.self, "\(bad)") { try Validate.email(bad) }
        }
    }

    @Test func timeZonesMustBeKnown() throws {
        #expect(try Validate.timeZone("America/Chicago") == "America/Chicago")
        #expect(throws: ValidationError.self) { try Validate.timeZone("Mars/Olympus") }
    }

    @Test func facilityListsAreBoundedAndWellFormed() throws {
        let facility = FacilityID.generate(at: Date())
        #expect(try Validate.facilityIDs([facility, facility]) == [facility])
        #expect(throws: ValidationError(field: "facilityIDs[1]", message: "is not a facility ID")) {
            try Validate.facilityIDs([facility, FacilityID(rawValue: "per" + facility.rawValue.dropFirst(3))])
        }
        #expect(throws: ValidationError.self) { try Validate.facilityIDs([FacilityID(rawValue: "fac_\u{0}")]) }
        #expect(throws: ValidationError.self) {
            try Validate.facilityIDs((0...100).map { _ in FacilityID.generate(at: Date()) })
        }
        #expect(throws: ValidationError.self) { try Validate.roles([]) }
    }

    @Test func rfc3339AcceptsBothPrecisionsAndFormatsMilliseconds() throws {
        let whole = try #require(RFC3339.parse("2026-11-29T06:30:00Z"))
        let fraction = try #require(RFC3339.parse("2026-11-29T07:30:00.250+01:00"))
        #expect(fraction.timeIntervalSince(whole) == 0.25)
        #expect(RFC3339.format(fraction) == "2026-11-29T06:30:00.250Z")
        for milliseconds in Int64(1_800_000_000_000)...1_800_000_000_999 {
            let date = Date(millisecondsSince1970: milliseconds)
            let text = RFC3339.format(date)
            #expect(text.hasSuffix(String(format: ".%03dZ", Int(milliseconds % 1000))), "\(text)")
            #expect(RFC3339.parse(text)?.millisecondsSince1970 == milliseconds, "\(text)")
        }
        #expect(RFC3339.format(Date(millisecondsSince1970: -1)) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.parse("yesterday") == nil)
        #expect(RFC3339.parse("2026-11-29") == nil)
    }

    @Test func datesSurviveTheStoresPrecision() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123456)
        let truncated = date.roundedToMilliseconds
        #expect(truncated.millisecondsSince1970 == 1_800_000_000_123)
        #expect(Date(millisecondsSince1970: truncated.millisecondsSince1970) == truncated)
        for milliseconds in Int64(0)...2_000 {
            #expect(Date(millisecondsSince1970: milliseconds).millisecondsSince1970 == milliseconds)
        }
    }

    @Test func base64URLRoundTrips() {
        let bytes: [UInt8] = [0xfb, 0xff, 0x00, 0x10]
        let text = Base64URL.encode(bytes)
        #expect(text == "-_8AEA")
        #expect(Base64URL.decode(text) == Data(bytes))
        #expect(Base64URL.decode("a=b") == nil)
    }
}
