import Logging

/// Opens the store at `location`; it must then be run (see ``VigilStore``) and migrated.
/// - Parameters:
///   - location: An SQLite file or a PostgreSQL database.
///   - postgresPoolSize: The most PostgreSQL connections to open.
///   - logger: The database driver's logger.
/// - Returns: The store.
/// - Throws: When the SQLite file cannot be opened or created.
public func openStore(_ location: StoreLocation, postgresPoolSize: Int = 20, logger: Logger) throws -> any VigilStore {
    switch location {
    case .sqlite(let path):
        try SQLiteStore(path: path)
    case .postgres(let url):
        PostgresStore(url: url, poolSize: postgresPoolSize, logger: logger)
    }
}
