import Foundation
import VigilCore
import VigilStore

/// Records for tests, with sensible values that each test overrides as it needs.
public enum Fixtures {
    /// The moment fixtures are created at, in the store's precision.
    public static var now: Date { Date().roundedToMilliseconds }

    /// A person with one role.
    public static func person(
        _ role: Role, email: String? = nil, facilities: Set<FacilityID> = [], status: PersonStatus = .active,
        at time: Date = now
    ) -> Person {
        let id = PersonID.generate(at: time)
        return Person(
            id: id, name: "Test \(role.rawValue)", email: email ?? "\(role.rawValue).\(id.rawValue.suffix(8).lowercased())@test.example",
            affiliation: role == .patient ? .patient : .employee, roles: [role], facilityIDs: facilities,
            status: status, createdAt: time, updatedAt: time)
    }

    /// A facility.
    public static func facility(_ name: String = "Test General", at time: Date = now) -> Facility {
        Facility(
            id: .generate(at: time), name: name, address: "1 Test Street", timeZone: "America/Chicago", createdAt: time,
            updatedAt: time)
    }

    /// A token for `owner` with all their roles, valid for a day unless told otherwise.
    public static func token(
        for owner: Person, scopes: Set<Role>? = nil, expiresAt: Date? = nil, at time: Date = now
    ) -> APIToken {
        APIToken(
            id: .generate(at: time), ownerID: owner.id, name: "test", scopes: scopes ?? owner.roles, createdAt: time,
            expiresAt: expiresAt ?? time.addingTimeInterval(86_400), createdBy: nil)
    }

    /// An audit event by the test itself.
    public static func audit(
        _ action: AuditAction = "test.write", target: AuditTarget? = nil, actorID: String = "tests", at time: Date = now
    ) -> AuditEventDraft {
        AuditEventDraft(
            occurredAt: time, actor: AuditActor(kind: .system, id: actorID), action: action, target: target,
            outcome: .success)
    }

    /// Stores a person and a fresh token for them; returns the token's secret.
    @discardableResult
    public static func enroll(
        _ person: Person, in store: any VigilStore, scopes: Set<Role>? = nil
    ) async throws -> (token: APIToken, secret: TokenSecret) {
        if try await store.person(id: person.id) == nil {
            try await store.createPerson(person, audit: audit("test.person"))
        }
        let record = Self.token(for: person, scopes: scopes)
        let secret = TokenSecret.generate()
        try await store.createToken(record, secretHash: secret.hash, audit: audit("test.token"))
        return (record, secret)
    }
}
