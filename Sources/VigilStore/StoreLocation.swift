import Foundation

/// Where Vigil keeps its data: an SQLite file (the default) or a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    /// An SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresURL)

    /// The file name of the SQLite database inside a data directory.
    public static let sqliteFileName = "vigil.sqlite"

    /// Chooses the location from the command line: a database URL wins over a data directory.
    /// - Parameters:
    ///   - databaseURL: A `postgres://` URL, if given.
    ///   - dataDirectory: The data directory, holding `vigil.sqlite` when no URL is given.
    /// - Throws: ``PostgresURL/ParseError`` for a malformed URL.
    public static func resolve(databaseURL: String?, dataDirectory: String) throws -> StoreLocation {
        if let databaseURL, !databaseURL.isEmpty {
            return .postgres(try PostgresURL(parsing: databaseURL))
        }
        return .sqlite(path: (dataDirectory as NSString).appendingPathComponent(sqliteFileName))
    }
}

/// A parsed `postgres://user:password@host:port/database?sslmode=…` URL.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port; 5432 unless the URL says otherwise.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the URL has one; never printed.
    public var password: String?
    /// The database name.
    public var database: String
    /// Whether to require TLS (`sslmode=require`; `disable`, the default, does not use it).
    public var requireTLS: Bool

    /// Why a database URL was refused.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// What is wrong, for the operator to read.
        public let description: String
    }

    /// Parses a URL.
    /// - Parameter text: Such as `postgres://vigil:secret@127.0.0.1:5432/vigil`.
    /// - Throws: ``ParseError`` naming what is wrong.
    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw ParseError(description: "database URL must look like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ParseError(description: "database URL has no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ParseError(description: "database URL has no user name")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw ParseError(description: "database URL has no database name (…/database at the end)")
        }
        var requireTLS = false
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"): requireTLS = false
            case ("sslmode", "require"): requireTLS = true
            default:
                throw ParseError(description: "unsupported database URL option \(item.name) (only sslmode=disable|require)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.requireTLS = requireTLS
    }

    /// The URL without its password, safe to print and log.
    public var description: String { rendered(password: nil) }

    /// The URL with `PASSWORD` where its password goes, to show an operator what to type.
    public var withPasswordPlaceholder: String { rendered(password: password == nil ? nil : "PASSWORD") }

    private func rendered(password: String?) -> String {
        let credentials = password.map { "\(username):\($0)" } ?? username
        return "postgres://\(credentials)@\(host):\(port)/\(database)\(requireTLS ? "?sslmode=require" : "")"
    }
}
