import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer
import VigilStore

/// `vigil bench ledger`: durable appends and verification against the raw SHA-256 ceiling.
struct BenchLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Measure durable ledger appends and verification against the raw SHA-256 ceiling.",
        discussion: """
            On a fresh SQLite database in a temporary directory (synchronous=FULL, as the server runs \
            it), or with --database in a temporary schema of a PostgreSQL database: --writers concurrent writers append --entries PHI access events through the ledger's \
            group commit, each waiting for its commit as a request does. Then one head is signed and the \
            whole ledger is verified from the database as `vigil audit verify` does, then again from \
            the decoded events in memory. Last, the ceiling: SHA-256 of the same entry bytes (with the \
            leaf prefix), and nothing else. Run it on a release build: swift build -c release.
            """)

    @Option(help: "How many entries to append.")
    var entries = 200_000

    @Option(help: "How many writers append at once.")
    var writers = 512

    @Option(
        name: .customLong("database"),
        help: "Measure on PostgreSQL instead of SQLite, in a temporary schema of this database (postgres://…).")
    var databaseURL: String?

    @Flag(help: "Also print the figures as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard (1_000...10_000_000).contains(entries) else { throw ValidationError("--entries must be 1000 to 10000000") }
        guard (1...10_000).contains(writers) else { throw ValidationError("--writers must be 1 to 10000") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (entries, writers) = (entries, writers)
        let store: any VigilStore
        let dropSchema: (@Sendable () async -> Void)?
        if let databaseURL {
            // A schema of its own, dropped afterwards: the database's other data is not touched.
            let schema = "vigil_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            var logger = Logger(label: "vigil.bench")
            logger.logLevel = .warning
            let postgres = PostgresStore(url: try Self.postgresURL(databaseURL), poolSize: 4, schema: schema, logger: logger)
            store = postgres
            dropSchema = { try? await postgres.dropSchema() }
        } else {
            store = try SQLiteStore(path: directory.appendingPathComponent(StoreLocation.sqliteFileName).path)
            dropSchema = nil
        }
        let report = try await withRunningStore(store) { store in
            try await store.migrate()
            do {
                let report = try await Self.measure(
                    store: store, dataDirectory: directory.path, entries: entries, writers: writers)
                await dropSchema?()
                return report
            } catch {
                await dropSchema?()
                throw error
            }
        }
        print("Store: \(store.summary)")
        for line in report.lines { print(line) }
        if json { print(try JSONLine.encode(report)) }
    }

    static func postgresURL(_ text: String) throws -> PostgresURL {
        do {
            return try PostgresURL(parsing: text)
        } catch let error as PostgresURL.ParseError {
            throw ValidationError(error.description)
        }
    }

    static func measure(store: any VigilStore, dataDirectory: String, entries: Int, writers: Int) async throws
        -> LedgerBenchReport
    {
        let line = ProgressLine()
        let ledger = LedgerServices(store: store, dataDirectory: dataDirectory)
        // The signing key first, so that its event is entry 1 and the head covers every entry.
        _ = try await LedgerKeys(store: store, files: SigningKeyFiles.ledger(dataDirectory: dataDirectory)).current()
        // The events are made first, so that the timed part is the append alone.
        // Fifty events a millisecond, as a busy hospital's would arrive (identifiers are ULIDs,
        // ordered by time).
        let start = Date().roundedToMilliseconds
        func time(_ index: Int) -> Date { start.addingTimeInterval(Double(index / 50) / 1_000) }
        let drafts = (0..<entries).map { sampleAccess($0).auditEvent(at: time($0)) }
        line.show("Appending \(entries) entries with \(writers) writers…")
        let appendStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in stride(from: writer, to: entries, by: writers) {
                        _ = try await ledger.appender.submit(drafts[index])
                    }
                }
            }
            try await group.waitForAll()
        }
        let appendSeconds = SimulatedFleet.seconds(since: appendStart)
        line.show("Appended \(entries) entries", final: true)

        // The same entries again in transactions of 5,000 from one writer: the store's own cost,
        // without the group commit's waiting.
        let moreDrafts = (0..<entries).map { sampleAccess($0).auditEvent(at: time(entries + $0)) }
        let batchStart = ContinuousClock.now
        for start in stride(from: 0, to: entries, by: 5_000) {
            _ = try await store.appendAuditEvents(Array(moreDrafts[start..<min(start + 5_000, entries)]))
        }
        let batchSeconds = SimulatedFleet.seconds(since: batchStart)
        let total = 2 * entries + 1

        let signStart = ContinuousClock.now
        guard let head = try await ledger.signer.signNow() else { throw CommandFailure("nothing was appended") }
        let signSeconds = SimulatedFleet.seconds(since: signStart)
        let keys = try await store.ledgerKeys()

        line.show("Verifying from the database…")
        let verifyStart = ContinuousClock.now
        let verification = try await LedgerVerification.run(store, keys: keys)
        let verifySeconds = SimulatedFleet.seconds(since: verifyStart)
        guard verification.problem == nil, verification.entries == Int64(total) else {
            throw CommandFailure("verification failed: \(verification.problem.map(String.init(describing:)) ?? "short")")
        }
        line.show("Verified from the database", final: true)

        let entryBytes = try await store.ledgerEvents(AuditEventFilter(), after: 0, through: head.treeSize, limit: total)
            .map(\.ledgerEntry)
        let memoryStart = ContinuousClock.now
        var frontier = MerkleFrontier()
        for bytes in entryBytes { frontier.append(MerkleHash.leaf(bytes)) }
        let memorySeconds = SimulatedFleet.seconds(since: memoryStart)
        guard frontier.root == head.rootHash else { throw CommandFailure("the in-memory root differs from the head") }

        let totalBytes = entryBytes.reduce(0) { $0 + $1.count + 1 }
        let hashStart = ContinuousClock.now
        var last = MerkleHash.emptyTree
        for bytes in entryBytes { last = MerkleHash.leaf(bytes) }
        let hashSeconds = SimulatedFleet.seconds(since: hashStart)
        precondition(last != MerkleHash.emptyTree)

        return LedgerBenchReport(
            entries: entries, writers: writers, meanEntryBytes: Double(totalBytes) / Double(total) - 1,
            appendsPerSecond: Double(entries) / appendSeconds, batchedAppendsPerSecond: Double(entries) / batchSeconds,
            signSeconds: signSeconds, verifyFromStorePerSecond: Double(total) / verifySeconds,
            recomputeInMemoryPerSecond: Double(total) / memorySeconds, sha256PerSecond: Double(total) / hashSeconds,
            sha256MegabytesPerSecond: Double(totalBytes) / hashSeconds / 1e6)
    }

    /// A PHI access event of realistic size, different for every index.
    static func sampleAccess(_ index: Int) -> PHIAccess {
        PHIAccess(
            actor: AuditActor(kind: .person, id: "per_01JDBENCH\(String(format: "%016d", index % 5_000))",
                tokenID: "tok_01JDBENCH\(String(format: "%016d", index % 7_000))"),
            patientID: "MRN-\(String(format: "%08d", index % 250_000))",
            resource: AuditTarget(type: "Observation", id: "obs-\(index)"),
            deviceID: DeviceID(rawValue: "dev_01JDBENCH\(String(format: "%016d", index % 9_000))"), place: .inside,
            purpose: .treatment, operation: .read, outcome: .success)
    }
}

/// The figures of `vigil bench ledger`.
struct LedgerBenchReport: Encodable {
    var benchmark = "ledger"
    let entries: Int
    let writers: Int
    let meanEntryBytes: Double
    /// Durable appends through the group commit, each writer waiting for its commit.
    let appendsPerSecond: Double
    /// Appends in transactions of 5,000 from one writer.
    let batchedAppendsPerSecond: Double
    let signSeconds: Double
    /// `vigil audit verify`'s path: read, re-encode, hash and check every entry and head.
    let verifyFromStorePerSecond: Double
    /// Leaf hashes and the tree from entry bytes already in memory, on one core.
    let recomputeInMemoryPerSecond: Double
    /// SHA-256 of the same entry bytes (with the leaf prefix) and nothing else, on one core.
    let sha256PerSecond: Double
    let sha256MegabytesPerSecond: Double

    var lines: [String] {
        [
            String(format: "durable appends:          %9.0f entries/s (%d writers through the group commit)", appendsPerSecond, writers),
            String(format: "batched appends:          %9.0f entries/s (transactions of 5,000, one writer)", batchedAppendsPerSecond),
            String(format: "sign one head:            %9.3f s over %d entries", signSeconds, entries),
            String(format: "verify from the database: %9.0f entries/s (%.0f%% of the one-core SHA-256 ceiling)", verifyFromStorePerSecond, verifyFromStorePerSecond / sha256PerSecond * 100),
            String(format: "recompute in memory:      %9.0f entries/s (%.0f%% of the one-core SHA-256 ceiling)", recomputeInMemoryPerSecond, recomputeInMemoryPerSecond / sha256PerSecond * 100),
            String(format: "raw SHA-256 ceiling:      %9.0f entries/s on one core, %.0f MB/s (%.0f bytes per entry)", sha256PerSecond, sha256MegabytesPerSecond, meanEntryBytes),
        ]
    }
}
