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

@Suite struct IdentifierValidationTests {
    @Test func onlyWellFormedIdentifiersOfTheRightKindAreAccepted() {
        let id = PersonID.generate(at: Date())
        #expect(PersonID(validating: id.rawValue) == id)
        #expect(FacilityID(validating: id.rawValue) == nil)
        for bad in ["", "per_", "per_x", id.rawValue + "0", id.rawValue.lowercased(), "per_\u{0}" + String(repeating: "0", count: 25),
                    "per_" + String(repeating: "U", count: 26)] {
            #expect(PersonID(validating: bad) == nil, "\(bad)")
        }
    }
}

@Suite struct TokenIssueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func person(_ roles: Set<Role>) -> Person {
        Person(
            id: .generate(at: now), name: "N", email: "n@x.example", affiliation: .employee, roles: roles,
            facilityIDs: [], status: .active, createdAt: now, updatedAt: now)
    }

    @Test func aTokenCarriesWhatIsGrantableByDefaultAndLivesAsAsked() throws {
        let owner = person([.clinician, .nurseManager])
        let (token, secret) = try APIToken.issue(
            for: owner, name: " laptop ", scopes: nil, grantable: [.clinician, .admin], lifetimeDays: 7,
            createdBy: nil, at: now)
        #expect(token.scopes == [.clinician])
        #expect(token.name == "laptop")
        #expect(token.expiresAt == now.addingTimeInterval(7 * 86_400))
        #expect(secret.value.hasPrefix("vigil_"))
    }

    @Test func scopesBeyondWhatIsGrantableAreRefused() {
        let owner = person([.admin, .auditor])
        #expect(throws: ValidationError.self) {
            try APIToken.issue(
                for: owner, name: "x", scopes: [.admin], grantable: [.auditor], lifetimeDays: 1, createdBy: nil, at: now)
        }
        #expect(throws: ValidationError.self) {
            try APIToken.issue(
                for: owner, name: "x", scopes: [.patient], grantable: Set(Role.allCases), lifetimeDays: 1,
                createdBy: nil, at: now)
        }
        #expect(throws: ValidationError(field: "expiresInDays", message: "must be between 1 and 365")) {
            try APIToken.issue(
                for: owner, name: "x", scopes: nil, grantable: owner.roles, lifetimeDays: 366, createdBy: nil, at: now)
        }
        #expect(throws: ValidationError(field: "scopes", message: "must name at least one role")) {
            try APIToken.issue(
                for: owner, name: "x", scopes: [], grantable: owner.roles, lifetimeDays: 1, createdBy: nil, at: now)
        }
    }

    @Test func secretsNeverPrintThemselves() {
        let secret = TokenSecret.generate()
        #expect(!"\(secret)".contains(secret.value))
        #expect(!String(reflecting: secret).contains(secret.value))
    }
}
