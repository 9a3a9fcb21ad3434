import Foundation
import Logging
import VigilCore
import VigilStore

/// What `vigil serve` does before it accepts requests: migrate the database, make sure the ledger
/// has a signing key, create the first administrator from `VIGIL_BOOTSTRAP_TOKEN`, load the demo,
/// and tell the operator how to get in.
struct StartupTasks {
    let configuration: ServerConfiguration
    let store: any VigilStore
    let logger: Logger

    /// The file, in the data directory, holding the demo administrator's token.
    static let demoTokenFileName = "demo-admin.token"

    func run() async throws {
        try await store.migrate()
        logger.notice("Database: \(store.summary) (migrated)")
        let files = SigningKeyFiles.ledger(dataDirectory: configuration.dataDirectory)
        let ledgerKey = try await LedgerKeys(store: store, files: files).current().publicKey
        logger.notice(
            "Ledger: heads signed with key \(ledgerKey.id) from \(files.directory); public key \(ledgerKey.base64)")
        if let chosen = configuration.bootstrapToken {
            do {
                try await bootstrap(with: try TokenSecret(chosen: chosen))
            } catch let error as ValidationError {
                throw StartupError("VIGIL_BOOTSTRAP_TOKEN \(error.message)")
            }
        }
        if configuration.loadDemo {
            try await loadDemo()
        }
        if try await !store.administratorExists() {
            logger.notice(
                "No administrator yet. Create one and print its API token with: vigil admin bootstrap \(locationArguments)")
        } else {
            logger.notice("Administrator tokens: vigil admin token create \(locationArguments) --email EMAIL --name NAME")
        }
    }

    /// Creates the first administrator with the operator's token, at first start only: once
    /// anyone is in the directory the variable is ignored, so that a leftover value can never
    /// create an administrator later.
    func bootstrap(with secret: TokenSecret) async throws {
        do {
            try await AdministratorBootstrap.run(store: store, secret: secret, actor: "startup", requireEmptyDirectory: true)
            logger.notice("Created the first administrator with the token from VIGIL_BOOTSTRAP_TOKEN")
        } catch StoreError.administratorExists, StoreError.notEmpty {
            logger.info("VIGIL_BOOTSTRAP_TOKEN ignored: it applies at first start only, and the directory has people")
        }
    }

    func loadDemo() async throws {
        let now = Date().roundedToMilliseconds
        let needsAdministrator = try await !store.administratorExists()
        var (seed, administrator) = DemoHospital.records(at: now, includeAdministrator: needsAdministrator)
        var secret: TokenSecret?
        if let administrator {
            let issued = try APIToken.issue(
                for: administrator, name: "demo", scopes: nil, grantable: administrator.roles, lifetimeDays: 30,
                createdBy: nil, at: now)
            seed.tokens = [(issued.token, issued.secret.hash)]
            secret = issued.secret
        }
        let audit = AuditEventDraft(
            occurredAt: now, actor: .system("startup"), action: .demoLoaded, target: nil, outcome: .success)
        do {
            try await store.loadSeed(seed, audit: audit)
        } catch StoreError.notEmpty {
            logger.notice("Demo hospital not loaded: the database holds data already")
            return
        }
        let file = try DemoHospital.file()
        let changes = PolicyChange.changes(from: try await store.securityPolicies(), to: file.policies, removingOthers: false)
        try await store.applyPolicyChanges(
            changes, at: now,
            audit: changes.map { change in
                AuditEventDraft(
                    occurredAt: now, actor: .system("startup"), action: .policyCreated,
                    target: AuditTarget(type: "policy", id: change.name), outcome: .success, reason: "demo hospital")
            })
        let byod = try await DemoHospital.loadBYOD(file, into: store, at: now)
        let place = try await DemoHospital.loadFences(file, into: store, at: now)
        logger.notice(
            """
            Loaded the demo hospital: \(seed.facilities.count) facilities, \(seed.people.count) people, \
            \(changes.count) policies, \(byod.publications.count) BYOD agreements, \(byod.apps.count) catalog apps, \
            \(place.fences.count) fences
            """)
        if let secret {
            let path = (configuration.dataDirectory as NSString).appendingPathComponent(Self.demoTokenFileName)
            try writePrivateFile(path, contents: secret.value + "\n")
            logger.notice("Demo administrator's API token (valid 30 days) written to \(path)")
        }
    }

    /// The command-line arguments that name this server's database, without any password.
    var locationArguments: String {
        switch configuration.storeLocation {
        case .sqlite: "--data-dir \(configuration.dataDirectory)"
        case .postgres(let url): "--database '\(url.withPasswordPlaceholder)'"
        }
    }
}

/// Why `vigil serve` could not start, for the operator to read.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a file only its owner may read (mode 0600), creating its directory.
/// - Parameters:
///   - path: The file.
///   - contents: The text.
func writePrivateFile(_ path: String, contents: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.truncate(atOffset: 0)
    try handle.write(contentsOf: Data(contents.utf8))
}
