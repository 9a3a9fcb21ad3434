import ArgumentParser
import Logging
import VigilStore

/// Where the data lives: the options every command that opens the database shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "Directory for the SQLite database and other files (env: VIGIL_DATA_DIR; default: ./vigil-data).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database"),
        help: """
            PostgreSQL URL, postgres://user:password@host:5432/database[?sslmode=require], used instead of \
            SQLite (env: VIGIL_DATABASE_URL).
            """)
    var databaseURL: String?

    /// The data directory: the flag, else `VIGIL_DATA_DIR`, else `./vigil-data`.
    var resolvedDataDirectory: String {
        dataDirectory ?? Environment.value("VIGIL_DATA_DIR") ?? "vigil-data"
    }

    /// The store's location.
    func location() throws -> StoreLocation {
        do {
            return try StoreLocation.resolve(
                databaseURL: databaseURL ?? Environment.value("VIGIL_DATABASE_URL"),
                dataDirectory: resolvedDataDirectory)
        } catch let error as PostgresURL.ParseError {
            throw ValidationError(error.description)
        }
    }

    /// Opens and migrates the store, runs `body` with it, and closes it.
    func withStore<Result: Sendable>(
        logger: Logger, _ body: @Sendable (any VigilStore) async throws -> Result
    ) async throws -> Result {
        let store = try openStore(try location(), postgresPoolSize: 2, logger: logger)
        return try await withRunningStore(store) { store in
            try await store.migrate()
            return try await body(store)
        }
    }
}
