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

extension ValidationError {
    /// Runs `body`, putting `prefix` in front of the field of any validation error it throws, so
    /// that a nested value's errors name their full path, such as `place.geometry.coordinates`.
    public static func prefixing<Value>(_ prefix: String, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let error as ValidationError {
            throw ValidationError(field: error.field.isEmpty ? prefix : "\(prefix).\(error.field)", message: error.message)
        }
    }
}
