import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer
import VigilStore

/// `vigil admin`: administration from the command line, on the server's database.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer Vigil from the command line (first administrator, tokens).",
        subcommands: [Bootstrap.self, Token.self])

    /// `vigil admin bootstrap`.
    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the first administrator and print their API token.",
            discussion: """
                Prints only the token on standard output, so that scripts can capture it:
                  TOKEN=$(vigil admin bootstrap)
                Refuses when an active administrator exists already. The token lasts 365 days.
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The administrator's name.")
        var name = AdministratorBootstrap.defaultName

        @Option(help: "The administrator's email address.")
        var email = AdministratorBootstrap.defaultEmail

        func run() async throws {
            let logger = Environment.bootstrapLogging(level: .warning)
            let secret = TokenSecret.generate()
            let (name, email) = (name, email)
            do {
                _ = try await store.withStore(logger: logger) { store in
                    try await AdministratorBootstrap.run(
                        store: store, secret: secret, name: name, email: email, actor: "cli")
                }
            } catch StoreError.administratorExists {
                throw CommandFailure(
                    "an administrator exists already; make more tokens with `vigil admin token create` "
                        + "or POST /api/v1/tokens")
            } catch let error as StoreError {
                throw CommandFailure(error.description)
            } catch let error as VigilCore.ValidationError {
                throw CommandFailure("--\(error.field) \(error.message)")
            }
            print(secret.value)
        }
    }

    /// `vigil admin token`.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage API tokens.", subcommands: [Create.self])

        /// `vigil admin token create`.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create an API token for a person and print it.",
                discussion: """
                    Prints only the token on standard output. The person is named by --email or --person; \
                    the token carries all their roles unless --scope narrows it.
                    """)

            @OptionGroup var store: StoreOptions

            @Option(help: "The person's email address.")
            var email: String?

            @Option(help: "The person's ID (per_…).")
            var person: String?

            @Option(help: "A label for the token, such as 'laptop'.")
            var name: String

            @Option(help: "A role the token may exercise; repeat for several (default: all the person's roles).")
            var scope: [Role] = []

            @Option(help: "Days until the token expires, 1 to 365.")
            var expiresInDays = 90

            func validate() throws {
                guard (email == nil) != (person == nil) else { throw ValidationError("give either --email or --person") }
                guard (1...APIToken.maximumLifetimeDays).contains(expiresInDays) else {
                    throw ValidationError("--expires-in-days must be 1 to \(APIToken.maximumLifetimeDays)")
                }
            }

            func run() async throws {
                let logger = Environment.bootstrapLogging(level: .warning)
                let request = TokenRequest(
                    email: email, personID: person, name: name, scopes: Set(scope), expiresInDays: expiresInDays)
                let secret = try await store.withStore(logger: logger) { store in try await request.create(in: store) }
                print(secret.value)
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// A token to create from the command line.
struct TokenRequest: Sendable {
    let email: String?
    let personID: String?
    let name: String
    let scopes: Set<Role>
    let expiresInDays: Int

    func create(in store: any VigilStore) async throws -> TokenSecret {
        guard let owner = try await findPerson(in: store) else {
            throw CommandFailure("no person has \(email.map { "the email \($0)" } ?? "the ID \(personID ?? "")")")
        }
        let now = Date().roundedToMilliseconds
        let token: APIToken
        let secret: TokenSecret
        do {
            (token, secret) = try APIToken.issue(
                for: owner, name: name, scopes: scopes.isEmpty ? nil : scopes, grantable: owner.roles,
                lifetimeDays: expiresInDays, createdBy: nil, at: now)
        } catch let error as VigilCore.ValidationError {
            throw CommandFailure("\(error.field) \(error.message) (\(owner.name) holds: \(owner.roles.sorted().map(\.rawValue).joined(separator: ", ")))")
        }
        let audit = AuditEventDraft(
            occurredAt: now, actor: .system("cli"), action: .tokenCreated, target: .token(token.id),
            outcome: .success, reason: "for \(owner.id)")
        try await store.createToken(token, secretHash: secret.hash, audit: audit)
        return secret
    }

    func findPerson(in store: any VigilStore) async throws -> Person? {
        if let personID {
            guard let id = PersonID(validating: personID) else { throw CommandFailure("--person \(personID) is not a person ID") }
            return try await store.person(id: id)
        }
        return try await store.person(email: email ?? "")
    }
}
