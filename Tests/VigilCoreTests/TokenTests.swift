import Foundation
import Testing
import VigilCore

@Suite struct TokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func person(_ roles: Set<Role>, status: PersonStatus = .active) -> Person {
        Person(
            id: .generate(at: now), name: "N", email: "n@x.example", affiliation: .employee, roles: roles,
            facilityIDs: [], status: status, createdAt: now, updatedAt: now)
    }

    func token(for owner: Person, scopes: Set<Role>, expiresIn: TimeInterval = 60, revoked: Bool = false) -> APIToken {
        APIToken(
            id: .generate(at: now), ownerID: owner.id, name: "t", scopes: scopes, createdAt: now,
            expiresAt: now.addingTimeInterval(expiresIn), revokedAt: revoked ? now : nil, createdBy: nil)
    }

    @Test func generatedSecretsAreLongRandomAndPrefixed() {
        let secret = TokenSecret.generate()
        #expect(secret.value.hasPrefix("vigil_"))
        #expect(secret.value.count == 6 + 43)
        #expect(secret != TokenSecret.generate())
        #expect(secret.hash.count == 64)
        #expect(secret.hash.allSatisfy { $0.isHexDigit })
        #expect(secret.hash != secret.value)
    }

    @Test func hashingIsSHA256OfTheWholeSecret() {
        // SHA-256("abc"), from FIPS 180-2.
        #expect(TokenSecret(presented: "abc").hash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func chosenSecretsMustBeLongAndPrintable() throws {
        #expect(throws: ValidationError.self) { try TokenSecret(chosen: String(repeating: "a", count: 31)) }
        #expect(throws: ValidationError.self) { try TokenSecret(chosen: String(repeating: "a", count: 257)) }
        #expect(throws: ValidationError.self) { try TokenSecret(chosen: String(repeating: "a", count: 31) + "é") }
        #expect(try TokenSecret(chosen: String(repeating: "a", count: 32)).value.count == 32)
    }

    @Test func aValidTokenActsWithTheScopesItsOwnerStillHolds() throws {
        let owner = person([.clinician, .nurseManager])
        let identity = try TokenAuthentication.identity(
            token: token(for: owner, scopes: [.clinician, .admin]), owner: owner, at: now)
        #expect(identity.roles == [.clinician])
        #expect(identity.has(.readFacilities))
        #expect(!identity.has(.readPeople))
    }

    @Test func refusedTokensSayWhy() {
        let owner = person([.clinician])
        #expect(throws: AuthenticationFailure.revokedToken) {
            try TokenAuthentication.identity(token: token(for: owner, scopes: [.clinician], revoked: true), owner: owner, at: now)
        }
        #expect(throws: AuthenticationFailure.expiredToken) {
            try TokenAuthentication.identity(token: token(for: owner, scopes: [.clinician], expiresIn: 0), owner: owner, at: now)
        }
        let suspended = person([.clinician], status: .suspended)
        #expect(throws: AuthenticationFailure.suspendedOwner) {
            try TokenAuthentication.identity(token: token(for: suspended, scopes: [.clinician]), owner: suspended, at: now)
        }
        #expect(throws: AuthenticationFailure.noRemainingScope) {
            try TokenAuthentication.identity(token: token(for: owner, scopes: [.admin]), owner: owner, at: now)
        }
    }

    @Test func lastUseIsWrittenAtMostOnceAMinute() {
        var token = token(for: person([.clinician]), scopes: [.clinician])
        #expect(token.needsLastUseUpdate(at: now))
        token.lastUsedAt = now
        #expect(!token.needsLastUseUpdate(at: now.addingTimeInterval(59)))
        #expect(token.needsLastUseUpdate(at: now.addingTimeInterval(60)))
    }
}
