/// What a store reports when a write cannot be done as asked. Nothing is written in any case.
public enum StoreError: Error, Equatable, Sendable {
    /// The write would break a uniqueness rule; the text names it for a person to read.
    case conflict(String)
    /// A field names a record that does not exist.
    case unknownReference(field: String, id: String)
    /// The record to change does not exist; the text names it.
    case notFound(String)
    /// An administrator exists already, so bootstrap is refused.
    case administratorExists
    /// The database holds data already, so a seed is refused.
    case notEmpty
    /// The stored data cannot be read back (a corrupt row); the text says where.
    case corruptRecord(String)
}

/// The conflict messages both backends report, so that callers see the same words.
enum ConflictMessage {
    static let email = "a person with this email exists already"
    static let facility = "a facility with this ID exists already"
    static let token = "a token with this secret exists already"
}
