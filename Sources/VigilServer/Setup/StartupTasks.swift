import Foundation
import Logging
import VigilCore
import VigilStore

/// What `vigil serve` does before it accepts requests: migrate the database, create the first
/// administrator from `VIGIL_BOOTSTRAP_TOKEN`, load the demo, and tell the operator how to get in.
struct StartupTasks {
    let configuration: ServerConfiguration
    let store: any VigilStore
    let logger: Logger

    /// The file, in the data directory, holding the demo administrator's token.
    static let demoTokenFileName = "demo-admin.token"

    func run() async throws {
        try await store.migrate()
        logger.notice("Database: \(store.summary) (migrated)")
        if let chosen = configuration.bootstrapToken {
            try await bootstrap(with: try TokenSecret(chosen: chosen))
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

    func bootstrap(with secret: TokenSecret) async throws {
        do {
            try await AdministratorBootstrap.run(store: store, secret: secret, actor: "startup")
            logger.notice("Created the first administrator with the token from VIGIL_BOOTSTRAP_TOKEN")
        } catch StoreError.administratorExists {
            logger.info("VIGIL_BOOTSTRAP_TOKEN ignored: an administrator exists already")
        }
    }

    func loadDemo() async throws {
        let now = Date().truncatedToMilliseconds
        let needsAdministrator = try await !store.administratorExists()
        var (seed, administrator) = DemoHospital.records(at: now, includeAdministrator: needsAdministrator)
        let secret = TokenSecret.generate()
        if let administrator {
            seed.tokens = [
                (
                    APIToken(
                        id: .generate(at: now), ownerID: administrator.id, name: "demo", scopes: [.admin],
                        createdAt: now, expiresAt: now.addingTimeInterval(30 * 86_400), createdBy: nil),
                    secret.hash
                )
            ]
        }
        let audit = AuditEventDraft(
            occurredAt: now, actor: .system("startup"), action: .demoLoaded, target: nil, outcome: .success)
        do {
            try await store.loadSeed(seed, audit: audit)
        } catch StoreError.notEmpty {
            logger.notice("Demo hospital not loaded: the database holds data already")
            return
        }
        logger.notice("Loaded the demo hospital: \(seed.facilities.count) facilities, \(seed.people.count) people")
        if administrator != nil {
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
