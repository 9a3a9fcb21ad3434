import Foundation
import Logging
import VigilCore
import VigilStore

/// The store backends the shared tests run against.
///
/// SQLite always runs. PostgreSQL runs where `VIGIL_TEST_POSTGRES_URL` names a database the tests
/// may create schemas in (`.ci/run` starts one); elsewhere it is reported as skipped.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The PostgreSQL URL for tests, if set.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// Whether the PostgreSQL tests must run (CI sets `VIGIL_REQUIRE_POSTGRES_TESTS=1`).
    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["VIGIL_REQUIRE_POSTGRES_TESTS"] == "1"
    }

    /// The backends available here.
    public static var available: [StoreBackend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A fresh, empty store of this kind: a new SQLite file, or a new PostgreSQL schema.
    /// - Returns: The store and a clean-up to call when done, while the store still runs.
    public func makeStore() throws -> (store: any VigilStore, cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("vigil-test-\(UUID().uuidString)")
            let store = try SQLiteStore(path: directory.appendingPathComponent("vigil.sqlite").path)
            return (store, { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            guard let text = Self.postgresURL else { throw TestSetupError("VIGIL_TEST_POSTGRES_URL is not set") }
            let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            var logger = Logger(label: "vigil.test.postgres")
            logger.logLevel = .warning
            let store = PostgresStore(url: try PostgresURL(parsing: text), poolSize: 4, schema: schema, logger: logger)
            return (store, { try? await store.dropSchema() })
        }
    }

    /// Runs `body` with a fresh, migrated, running store of this kind, then removes it.
    public func withStore(_ body: @Sendable (any VigilStore) async throws -> Void) async throws {
        let (store, cleanUp) = try makeStore()
        try await withRunningStore(store) { store in
            do {
                try await store.migrate()
                try await body(store)
            } catch {
                await cleanUp()
                throw error
            }
            await cleanUp()
        }
    }
}

/// A test could not be set up.
public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
