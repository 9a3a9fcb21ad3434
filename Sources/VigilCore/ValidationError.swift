/// Input that breaks a rule, naming the field at fault.
public struct ValidationError: Error, Sendable, Equatable {
    /// The field, as a path such as `roles[1]` or `email`.
    public let field: String
    /// What is wrong, for a person to read.
    public let message: String

    /// Describes a broken rule.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
