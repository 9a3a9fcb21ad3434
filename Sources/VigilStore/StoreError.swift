import VigilCore

/// What a store reports when a write cannot be done as asked. Nothing is written in any case.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The write would break a uniqueness rule; the text names it for a person to read.
    case conflict(String)
    /// A field names a record that does not exist.
    case unknownReference(field: String, id: String)
    /// The record to change does not exist; the text names it.
    case notFound(String)
    /// An administrator exists already, so bootstrap is refused.
    case administratorExists
    /// The change would leave no active administrator, and so nobody to manage Vigil.
    case lastAdministrator
    /// The database holds data already, so a seed or a first-start bootstrap is refused.
    case notEmpty
    /// A value the database cannot hold, such as text with a NUL character.
    case invalidValue
    /// The stored data cannot be read back (a corrupt row); the text says where.
    case corruptRecord(String)
    /// The database did not answer in time.
    case timedOut

    public var description: String {
        switch self {
        case .conflict(let message): message
        case .unknownReference(let field, let id): "\(field) names \(id), which does not exist"
        case .notFound(let what): "there is no \(what)"
        case .administratorExists: "an administrator exists already"
        case .lastAdministrator: "this would leave no active administrator"
        case .notEmpty: "the database holds data already"
        case .invalidValue: "a value cannot be stored"
        case .corruptRecord(let place): "a stored record cannot be read (\(place))"
        case .timedOut: "the database did not answer in time"
        }
    }
}

/// The conflict messages both backends report, so that callers see the same words.
enum ConflictMessage {
    static let email = "a person with this email exists already"
    static let token = "a token with this secret exists already"
    static let identifier = "a record with this ID exists already"

    /// The message for a violated uniqueness rule, from the database's words for it (SQLite's
    /// `UNIQUE constraint failed: people.email`, PostgreSQL's constraint `people_email_key`).
    static func forConstraint(_ text: String) -> String {
        if text.contains("email") { return email }
        if text.contains("secret_hash") { return token }
        return identifier
    }
}

/// Shared SQL both backends run as written.
enum SharedSQL {
    /// Whether any person holds the admin role (active or not).
    static let administratorExists = "SELECT EXISTS (SELECT 1 FROM people WHERE roles LIKE '%\"admin\"%')"

    /// Whether an active administrator other than the person bound to the one parameter exists.
    static func otherActiveAdministratorExists(placeholder: String) -> String {
        """
        SELECT EXISTS (SELECT 1 FROM people
            WHERE roles LIKE '%"admin"%' AND status = 'active' AND id <> \(placeholder))
        """
    }

    /// Whether anyone is in the directory.
    static let anyPersonExists = "SELECT EXISTS (SELECT 1 FROM people)"

    /// Whether the database holds anything a seed would collide with: facilities, or people other
    /// than administrators.
    static let seedTargetOccupied = """
        SELECT EXISTS (SELECT 1 FROM facilities)
            OR EXISTS (SELECT 1 FROM people WHERE roles NOT LIKE '%"admin"%')
        """
}

extension Person {
    /// Whether this person counts as an active administrator.
    var isActiveAdministrator: Bool { status == .active && roles.contains(.admin) }
}
