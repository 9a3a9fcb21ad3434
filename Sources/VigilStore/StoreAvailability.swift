import GRDB
import PostgresNIO

extension StoreError {
    /// Whether `error` means the database cannot serve right now (connection lost or refused,
    /// pool closed, busy past the timeout, disk full or read-only), as opposed to a fault in the
    /// request or in Vigil. Callers answer such errors with "try again later" (503), not 500.
    /// - Parameter error: An error thrown by a store.
    public static func isUnavailability(_ error: any Error) -> Bool {
        switch error {
        case StoreError.timedOut:
            return true
        case let error as DatabaseError:
            return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY]
                .contains(error.resultCode)
        case let error as PSQLError:
            return [.connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown]
                .contains(error.code)
        case is IOError, is ChannelError:
            return true
        default:
            return false
        }
    }
}

/// Runs `body`, giving up after `limit`: a database that cannot be reached makes PostgresNIO's
/// pool wait for a connection indefinitely, and a health check must answer regardless.
/// - Parameters:
///   - limit: How long to wait.
///   - body: The database work.
/// - Returns: What `body` returns.
/// - Throws: ``StoreError/timedOut`` after `limit` (and `body` is cancelled), or what `body` throws.
public func withDeadline<Result: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw StoreError.timedOut
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
