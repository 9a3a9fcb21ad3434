import Foundation
import VigilCore
import VigilStore

/// Creating the first administrator: from `vigil admin bootstrap`, or from
/// `VIGIL_BOOTSTRAP_TOKEN` at first start.
public enum AdministratorBootstrap {
    /// The name given to the first administrator unless the operator chooses one.
    public static let defaultName = "Vigil Administrator"
    /// The email given to the first administrator unless the operator chooses one.
    public static let defaultEmail = "admin@vigil.local"
    /// How long the bootstrap token lasts.
    public static let tokenLifetimeDays = APIToken.maximumLifetimeDays

    /// Creates the first administrator with a token whose secret is `secret`.
    /// - Parameters:
    ///   - store: The store, running and migrated.
    ///   - secret: The token's secret, generated or chosen by the operator.
    ///   - name: The administrator's name.
    ///   - email: The administrator's email.
    ///   - actor: Who is bootstrapping, for the audit trail (`cli` or `startup`).
    ///   - requireEmptyDirectory: Refuse unless nobody is in the directory yet (first start).
    /// - Returns: The new administrator.
    /// - Throws: ``StoreError/administratorExists`` when an administrator exists,
    ///   ``StoreError/notEmpty`` (with `requireEmptyDirectory`), ``ValidationError`` for a bad name
    ///   or email.
    @discardableResult
    public static func run(
        store: any VigilStore, secret: TokenSecret, name: String = defaultName, email: String = defaultEmail,
        actor: String, requireEmptyDirectory: Bool = false
    ) async throws -> Person {
        let now = Date().roundedToMilliseconds
        let person = Person(
            id: .generate(at: now), name: try Validate.text(name, field: "name", maximumLength: 200),
            email: try Validate.email(email), affiliation: .employee, roles: [.admin], facilityIDs: [],
            status: .active, createdAt: now, updatedAt: now)
        let (token, _) = try APIToken.issue(
            for: person, name: "bootstrap", scopes: nil, grantable: person.roles, lifetimeDays: tokenLifetimeDays,
            createdBy: nil, secret: secret, at: now)
        let audit = AuditEventDraft(
            occurredAt: now, actor: .system(actor), action: .administratorBootstrapped, target: .person(person.id),
            outcome: .success)
        try await store.bootstrapAdministrator(
            person, token: token, secretHash: secret.hash, audit: audit, requireEmptyDirectory: requireEmptyDirectory)
        return person
    }
}
