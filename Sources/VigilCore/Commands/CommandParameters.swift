import Foundation

/// The parameters each kind of command takes, and their checks (`docs/commands.md`, "Commands").
///
/// Parameters are short strings; a command of a kind that takes none must carry none, and an
/// unknown name is refused rather than ignored, so that a typing mistake never goes unseen.
public enum CommandParameters {
    /// The longest lock screen message: 200 characters.
    public static let maximumMessageLength = 200

    /// The names a kind of command takes, and whether each is required.
    public static func names(for kind: CommandKind) -> [String: Bool] {
        switch kind {
        case .lock: ["message": false]
        case .lostModeOn: ["message": true, "phone": false]
        case .installApp, .removeApp: ["app": true]
        case .lostModeOff, .locate, .playSound, .fullWipe, .selectiveWipe, .blockPHI, .restorePHI, .applyPolicy,
            .rotateCredential, .retire:
            [:]
        }
    }

    /// Checks a command's parameters.
    /// - Returns: The parameters, trimmed.
    /// - Throws: ``ValidationError`` naming `parameters.NAME`.
    public static func validated(_ parameters: [String: String], for kind: CommandKind) throws -> [String: String] {
        let allowed = names(for: kind)
        for name in parameters.keys.sorted() where allowed[name] == nil {
            throw ValidationError(
                field: "parameters.\(name)",
                message: allowed.isEmpty
                    ? "is not a parameter: \(kind.rawValue) takes none"
                    : "is not a parameter of \(kind.rawValue), which takes \(allowed.keys.sorted().joined(separator: ", "))")
        }
        var checked: [String: String] = [:]
        for (name, required) in allowed.sorted(by: { $0.key < $1.key }) {
            guard let value = parameters[name] else {
                if required { throw ValidationError(field: "parameters.\(name)", message: "is required for \(kind.rawValue)") }
                continue
            }
            checked[name] = try check(value, named: name)
        }
        return checked
    }

    private static func check(_ value: String, named name: String) throws -> String {
        let field = "parameters.\(name)"
        switch name {
        case "phone":
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard (3...32).contains(trimmed.count),
                trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || " +-().".contains($0)) }),
                trimmed.contains(where: \.isNumber)
            else { throw ValidationError(field: field, message: "is not a telephone number, such as +1 555 0100") }
            return trimmed
        case "app":
            return try CatalogApp.validatedID(value, field: field)
        default:
            return try Validate.text(value, field: field, maximumLength: maximumMessageLength)
        }
    }
}
