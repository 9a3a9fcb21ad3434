import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// API tokens behave the same on every backend.
@Suite struct TokenConformanceTests {
    @Test(arguments: StoreBackend.available)
    func tokenIsFoundByItsSecretHashOnly(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let owner = Fixtures.person(.clinician)
            let (token, secret) = try await Fixtures.enroll(owner, in: store)
            let found = try #require(try await store.tokenForAuthentication(secretHash: secret.hash, at: Fixtures.now))
            #expect(found.0.id == token.id)
            #expect(found.1 == owner)
            #expect(try await store.tokenForAuthentication(secretHash: TokenSecret.generate().hash, at: Fixtures.now) == nil)
            #expect(try await store.tokenForAuthentication(secretHash: secret.value, at: Fixtures.now) == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func lastUseIsRecordedAtMostOnceAMinute(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (token, secret) = try await Fixtures.enroll(Fixtures.person(.clinician), in: store)
            let first = Fixtures.now
            _ = try await store.tokenForAuthentication(secretHash: secret.hash, at: first)
            #expect(try await store.token(id: token.id)?.lastUsedAt == first)
            _ = try await store.tokenForAuthentication(secretHash: secret.hash, at: first.addingTimeInterval(30))
            #expect(try await store.token(id: token.id)?.lastUsedAt == first)
            let later = first.addingTimeInterval(61)
            _ = try await store.tokenForAuthentication(secretHash: secret.hash, at: later)
            #expect(try await store.token(id: token.id)?.lastUsedAt == later)
        }
    }

    @Test(arguments: StoreBackend.available)
    func revocationKeepsItsFirstTime(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (token, _) = try await Fixtures.enroll(Fixtures.person(.clinician), in: store)
            let time = Fixtures.now
            let revoked = try await store.revokeToken(id: token.id, at: time, audit: Fixtures.audit("token.revoke"))
            #expect(revoked.revokedAt == time)
            let again = try await store.revokeToken(
                id: token.id, at: time.addingTimeInterval(5), audit: Fixtures.audit("token.revoke"))
            #expect(again.revokedAt == time)
            await #expect(throws: StoreError.notFound("token tok_missing")) {
                try await store.revokeToken(id: APITokenID(rawValue: "tok_missing"), at: time, audit: Fixtures.audit())
            }
            #expect(try await store.auditEvents(AuditEventFilter(action: "token.revoke"), .first).items.count == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func tokensListByOwner(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let alice = Fixtures.person(.clinician)
            let bob = Fixtures.person(.auditor)
            let (aliceToken, _) = try await Fixtures.enroll(alice, in: store)
            let (bobToken, _) = try await Fixtures.enroll(bob, in: store)
            #expect(try await store.tokens(ownerID: alice.id, .first).items.map(\.id) == [aliceToken.id])
            #expect(Set(try await store.tokens(ownerID: nil, .first).items.map(\.id)) == [aliceToken.id, bobToken.id])
        }
    }

    @Test(arguments: StoreBackend.available)
    func tokenForAMissingOwnerIsRefused(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let ghost = Fixtures.person(.clinician)
            await #expect(throws: StoreError.unknownReference(field: "personID", id: ghost.id.rawValue)) {
                try await store.createToken(
                    Fixtures.token(for: ghost), secretHash: TokenSecret.generate().hash, audit: Fixtures.audit())
            }
            let events = try await store.auditEvents(AuditEventFilter(), .first).items
            #expect(events.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func bootstrapHappensOnceWhileAnAdministratorIsActive(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let admin = Fixtures.person(.admin)
            try await store.bootstrapAdministrator(
                admin, token: Fixtures.token(for: admin), secretHash: TokenSecret.generate().hash,
                audit: Fixtures.audit("admin.bootstrap"), requireEmptyDirectory: true)
            let second = Fixtures.person(.admin)
            await #expect(throws: StoreError.administratorExists) {
                try await store.bootstrapAdministrator(
                    second, token: Fixtures.token(for: second), secretHash: TokenSecret.generate().hash,
                    audit: Fixtures.audit("admin.bootstrap"), requireEmptyDirectory: false)
            }
            #expect(try await store.person(id: second.id) == nil)
            #expect(try await store.auditEvents(AuditEventFilter(action: "admin.bootstrap"), .first).items.count == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aFirstStartBootstrapNeedsAnEmptyDirectory(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.createPerson(Fixtures.person(.clinician), audit: Fixtures.audit())
            let admin = Fixtures.person(.admin)
            await #expect(throws: StoreError.notEmpty) {
                try await store.bootstrapAdministrator(
                    admin, token: Fixtures.token(for: admin), secretHash: TokenSecret.generate().hash,
                    audit: Fixtures.audit("admin.bootstrap"), requireEmptyDirectory: true)
            }
            #expect(try await !store.administratorExists())
        }
    }

    @Test(arguments: StoreBackend.available)
    func conflictsNameTheRuleBroken(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let owner = Fixtures.person(.clinician)
            let secret = try await Fixtures.enroll(owner, in: store).secret
            await #expect(throws: StoreError.conflict("a token with this secret exists already")) {
                try await store.createToken(Fixtures.token(for: owner), secretHash: secret.hash, audit: Fixtures.audit())
            }
            let facility = Fixtures.facility()
            try await store.createFacility(facility, audit: Fixtures.audit())
            await #expect(throws: StoreError.conflict("a record with this ID exists already")) {
                try await store.createFacility(facility, audit: Fixtures.audit())
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func seedLoadsOnlyIntoAnEmptyDatabase(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let admin = Fixtures.person(.admin)
            try await store.createPerson(admin, audit: Fixtures.audit())
            let facility = Fixtures.facility()
            let nurse = Fixtures.person(.clinician, facilities: [facility.id])
            let seed = SeedData(facilities: [facility], people: [nurse], tokens: [])
            try await store.loadSeed(seed, audit: Fixtures.audit("demo.load"))
            #expect(try await store.person(id: nurse.id) == nurse)
            let again = SeedData(facilities: [Fixtures.facility()], people: [], tokens: [])
            await #expect(throws: StoreError.notEmpty) {
                try await store.loadSeed(again, audit: Fixtures.audit("demo.load"))
            }
            #expect(try await store.facilities(.first).items.count == 1)
        }
    }
}
