import Logging
import VigilCore
import VigilStore

/// Everything `vigil serve` can be told, with the defaults a fresh checkout runs with.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; loopback by default so that nothing is exposed by accident.
    public var host: String = "127.0.0.1"
    /// The TCP port.
    public var port: Int = 8080
    /// Where the data lives.
    public var storeLocation: StoreLocation = .sqlite(path: "vigil-data/vigil.sqlite")
    /// The data directory, for files beside the database (such as the demo administrator's token).
    public var dataDirectory: String = "vigil-data"
    /// The largest request body accepted, in bytes.
    public var maximumBodySize: Int = 1 << 20
    /// The most PostgreSQL connections this process opens.
    public var postgresPoolSize: Int = 20
    /// How much to log.
    public var logLevel: Logger.Level = .info
    /// Whether to load the demo hospital into an empty database at start-up.
    public var loadDemo: Bool = false
    /// A token the operator chose for the first administrator (`VIGIL_BOOTSTRAP_TOKEN`).
    public var bootstrapToken: String?
    /// The address devices reach this server at, for enrollment URLs (`VIGIL_PUBLIC_URL`);
    /// `http://<host>:<port>` when not set.
    public var publicURL: String?
    /// How often agents are told to check in, in seconds.
    public var checkInIntervalSeconds: Int = 900
    /// How many days the posture history of hospital-owned devices is kept.
    public var postureRetentionDays: Int = 90
    /// Sign a ledger head once this many entries arrived since the last one.
    public var ledgerSignEvery: Int = 1_000
    /// Sign a ledger head at least this often, in seconds, while entries arrive.
    public var ledgerSignIntervalSeconds: Int = 60
    /// The audience (`aud`) of access grants: the name PHI services check for.
    public var grantAudience: String = "vigil-phi"
    /// How long an access grant lives, in seconds; at most 900.
    public var grantLifetimeSeconds: Int = 600
    /// How long emergency access lasts once invoked, in minutes.
    public var emergencyAccessMinutes: Int = 30
    /// How often the whole fleet is evaluated again, in seconds, besides every check-in and policy change.
    public var complianceIntervalSeconds: Int = 300
    /// How many days the location fixes of hospital-owned devices are kept (personal devices' never are).
    public var locationRetentionDays: Int = 30
    /// How often places and shifts move on without a report, in seconds (``PlaceSweep``).
    public var placeSweepSeconds: Int = 5
    /// How many wipes may be issued in an hour before the next ones wait for a second
    /// administrator's approval (``WipeGuardRail``).
    public var wipeGuardLimit: Int = WipeGuardRail().limit
    /// How long after a device is reported stolen its wipe is sent, in seconds, unless it is found first.
    public var stolenWipeDelaySeconds: Int = Int(LossPlan.defaultWipeDelay)
    /// How often commands expire and put-off or scheduled ones are pushed, in seconds (``CommandSweep``).
    public var commandSweepSeconds: Int = 5

    /// ``publicURL``, or the address the server listens on.
    public var effectivePublicURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        return "http://\(host):\(port)"
    }

    /// The defaults.
    public init() {}
}
