import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import VigilCore
import VigilServer
import VigilStore

/// `vigil serve`: runs the server until SIGTERM or SIGINT, then shuts down gracefully.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Vigil server.",
        discussion: """
            With no options, listens on 127.0.0.1:8080 and keeps its data in an SQLite database under \
            ./vigil-data, created and migrated on first start. Give --database to use PostgreSQL instead.

            Set VIGIL_BOOTSTRAP_TOKEN (32 to 256 printable characters) at first start to create the first \
            administrator with a token you chose; it applies only while nobody is in the directory, and is \
            ignored (and logged as such) afterwards.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on (env: VIGIL_HOST; default: 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port to listen on (env: VIGIL_PORT; default: 8080).")
    var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env: VIGIL_LOG_LEVEL; default: info).")
    var logLevel: String?

    @Option(help: "Largest request body accepted, in bytes (env: VIGIL_MAX_BODY_SIZE; default: 1048576).")
    var maxBodySize: Int?

    @Option(help: "Most PostgreSQL connections to open (env: VIGIL_POSTGRES_POOL_SIZE; default: 20).")
    var postgresPoolSize: Int?

    @Flag(help: "Load the demo hospital into an empty database (env: VIGIL_DEMO=1).")
    var demo = false

    @Option(help: "The address devices reach this server at, for enrollment URLs (env: VIGIL_PUBLIC_URL; default: http://HOST:PORT).")
    var publicURL: String?

    @Option(help: "How often agents check in, in seconds, 10 to 86400 (env: VIGIL_CHECKIN_INTERVAL; default: 900).")
    var checkInInterval: Int?

    @Option(help: "Days of posture history kept for hospital-owned devices, 1 to 3650 (env: VIGIL_POSTURE_RETENTION_DAYS; default: 90).")
    var postureRetentionDays: Int?

    @Option(help: "Days the location fixes of hospital-owned devices are kept, 1 to 3650 (env: VIGIL_LOCATION_RETENTION_DAYS; default: 30).")
    var locationRetentionDays: Int?

    @Option(help: "Wipes allowed in an hour before the next ones wait for a second administrator, 1 to 10000 (env: VIGIL_WIPE_GUARD_LIMIT; default: 10).")
    var wipeGuardLimit: Int?

    @Option(help: "Seconds after a stolen report before the device's wipe is sent unless it is found, 0 to 604800 (env: VIGIL_STOLEN_WIPE_DELAY; default: 3600).")
    var stolenWipeDelay: Int?

    @Option(help: "Sign a ledger head once this many audit events arrived, 1 to 1000000 (env: VIGIL_LEDGER_SIGN_EVERY; default: 1000).")
    var ledgerSignEvery: Int?

    @Option(help: "Sign a ledger head at least this often while events arrive, in seconds, 1 to 86400 (env: VIGIL_LEDGER_SIGN_INTERVAL; default: 60).")
    var ledgerSignInterval: Int?

    @Option(help: "How long an access grant lives, in seconds, 60 to 900 (env: VIGIL_GRANT_LIFETIME; default: 600).")
    var grantLifetime: Int?

    @Option(help: "The audience (aud) of access grants, which PHI services check (env: VIGIL_GRANT_AUDIENCE; default: vigil-phi).")
    var grantAudience: String?

    @Option(help: "How long emergency access lasts, in minutes, 5 to 240 (env: VIGIL_EMERGENCY_MINUTES; default: 30).")
    var emergencyMinutes: Int?

    @Option(help: "How often the whole fleet is evaluated again, in seconds, 30 to 86400, besides every check-in and policy change (env: VIGIL_COMPLIANCE_INTERVAL; default: 300).")
    var complianceInterval: Int?

    func run() async throws {
        let configuration = try resolvedConfiguration()
        let logger = Environment.bootstrapLogging(level: configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let store = try openStore(
            configuration.storeLocation, postgresPoolSize: configuration.postgresPoolSize, logger: logger)
        let host = configuration.host
        let application = buildApplication(
            configuration: configuration, store: store, registry: registry, logger: logger
        ) { port in
            logger.notice("Vigil listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
        }
        try await application.runService()
    }

    /// The configuration from flags, then `VIGIL_*` variables, then defaults.
    func resolvedConfiguration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host ?? Environment.value("VIGIL_HOST") ?? configuration.host
        configuration.port = try Environment.integer(port, "VIGIL_PORT", default: configuration.port)
        guard (0...65535).contains(configuration.port) else { throw ValidationError("port must be 0 to 65535") }
        configuration.dataDirectory = store.resolvedDataDirectory
        configuration.storeLocation = try store.location()
        configuration.logLevel = try Environment.logLevel(logLevel)
        configuration.maximumBodySize = try Environment.integer(
            maxBodySize, "VIGIL_MAX_BODY_SIZE", default: configuration.maximumBodySize)
        guard configuration.maximumBodySize >= 1024 else { throw ValidationError("max body size must be at least 1024") }
        configuration.postgresPoolSize = try Environment.integer(
            postgresPoolSize, "VIGIL_POSTGRES_POOL_SIZE", default: configuration.postgresPoolSize)
        guard (1...1000).contains(configuration.postgresPoolSize) else {
            throw ValidationError("PostgreSQL pool size must be 1 to 1000")
        }
        configuration.loadDemo = demo || ["1", "true", "yes"].contains(Environment.value("VIGIL_DEMO")?.lowercased())
        configuration.bootstrapToken = Environment.value("VIGIL_BOOTSTRAP_TOKEN")
        configuration.publicURL = try (publicURL ?? Environment.value("VIGIL_PUBLIC_URL")).map { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.query == nil, ["", "/"].contains(url.path)
            else {
                throw ValidationError(
                    "public URL must be an http or https URL of the server's root (no path or query), not '\(text)'")
            }
            return text
        }
        configuration.checkInIntervalSeconds = try Environment.integer(
            checkInInterval, "VIGIL_CHECKIN_INTERVAL", default: configuration.checkInIntervalSeconds)
        guard (10...86_400).contains(configuration.checkInIntervalSeconds) else {
            throw ValidationError("check-in interval must be 10 to 86400 seconds")
        }
        configuration.postureRetentionDays = try Environment.integer(
            postureRetentionDays, "VIGIL_POSTURE_RETENTION_DAYS", default: configuration.postureRetentionDays)
        guard (1...3650).contains(configuration.postureRetentionDays) else {
            throw ValidationError("posture retention must be 1 to 3650 days")
        }
        configuration.locationRetentionDays = try Environment.integer(
            locationRetentionDays, "VIGIL_LOCATION_RETENTION_DAYS", default: configuration.locationRetentionDays)
        guard (1...3650).contains(configuration.locationRetentionDays) else {
            throw ValidationError("location retention must be 1 to 3650 days")
        }
        configuration.wipeGuardLimit = try Environment.integer(
            wipeGuardLimit, "VIGIL_WIPE_GUARD_LIMIT", default: configuration.wipeGuardLimit)
        guard (1...10_000).contains(configuration.wipeGuardLimit) else {
            throw ValidationError("the wipe guard limit must be 1 to 10000 wipes an hour")
        }
        configuration.stolenWipeDelaySeconds = try Environment.integer(
            stolenWipeDelay, "VIGIL_STOLEN_WIPE_DELAY", default: configuration.stolenWipeDelaySeconds)
        guard (0...604_800).contains(configuration.stolenWipeDelaySeconds) else {
            throw ValidationError("the stolen-device wipe delay must be 0 to 604800 seconds")
        }
        configuration.ledgerSignEvery = try Environment.integer(
            ledgerSignEvery, "VIGIL_LEDGER_SIGN_EVERY", default: configuration.ledgerSignEvery)
        guard (1...1_000_000).contains(configuration.ledgerSignEvery) else {
            throw ValidationError("ledger sign-every must be 1 to 1000000 entries")
        }
        configuration.ledgerSignIntervalSeconds = try Environment.integer(
            ledgerSignInterval, "VIGIL_LEDGER_SIGN_INTERVAL", default: configuration.ledgerSignIntervalSeconds)
        guard (1...86_400).contains(configuration.ledgerSignIntervalSeconds) else {
            throw ValidationError("ledger sign interval must be 1 to 86400 seconds")
        }
        configuration.grantLifetimeSeconds = try Environment.integer(
            grantLifetime, "VIGIL_GRANT_LIFETIME", default: configuration.grantLifetimeSeconds, in: 60...900,
            what: "grant lifetime (seconds)")
        configuration.emergencyAccessMinutes = try Environment.integer(
            emergencyMinutes, "VIGIL_EMERGENCY_MINUTES", default: configuration.emergencyAccessMinutes, in: 5...240,
            what: "emergency access (minutes)")
        configuration.complianceIntervalSeconds = try Environment.integer(
            complianceInterval, "VIGIL_COMPLIANCE_INTERVAL", default: configuration.complianceIntervalSeconds,
            in: 30...86_400, what: "compliance interval (seconds)")
        let audience = grantAudience ?? Environment.value("VIGIL_GRANT_AUDIENCE") ?? configuration.grantAudience
        guard (1...200).contains(audience.count), !VigilCore.Validate.containsControlCharacters(audience) else {
            throw ValidationError("grant audience must be 1 to 200 printable characters")
        }
        configuration.grantAudience = audience
        return configuration
    }
}
