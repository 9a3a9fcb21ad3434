import Foundation

/// The rules every piece of input must pass before it reaches a record.
public enum Validate {
    /// Checks a required line of text and returns it trimmed.
    /// - Parameters:
    ///   - value: The text.
    ///   - field: The field's name, for the error.
    ///   - maximumLength: The most characters allowed.
    /// - Returns: The text without surrounding white space.
    /// - Throws: ``ValidationError`` when it is empty, too long or holds control characters.
    public static func text(_ value: String, field: @autoclosure () -> String, maximumLength: Int) throws -> String {
        // Text that starts and ends with a visible ASCII character (the usual case) has nothing to trim.
        let visible = { (byte: UInt8?) in byte.map { $0 > 0x20 && $0 < 0x7F } ?? false }
        let trimmed = visible(value.utf8.first) && visible(value.utf8.last)
            ? value : value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ValidationError(field: field(), message: "must not be empty") }
        guard trimmed.count <= maximumLength else {
            throw ValidationError(field: field(), message: "must be at most \(maximumLength) characters")
        }
        guard !containsControlCharacters(trimmed) else {
            throw ValidationError(field: field(), message: "must not contain control characters")
        }
        return trimmed
    }

    /// Whether `text` holds a control character (NUL, escape, line breaks…): never accepted in a
    /// name, a query value or a cursor, and refused by PostgreSQL (NUL) besides.
    /// - Parameter text: The text.
    public static func containsControlCharacters(_ text: some StringProtocol) -> Bool {
        // Printable ASCII, by far the most common input, needs no look-up in the Unicode tables.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
        return text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }

    /// Checks an email address and returns it lowercased.
    /// - Parameters:
    ///   - value: The address.
    ///   - field: The field's name, for the error.
    /// - Returns: The address, trimmed and lowercased.
    /// - Throws: ``ValidationError`` unless it looks like `local@domain` and fits in 254 characters.
    public static func email(_ value: String, field: String = "email") throws -> String {
        let address = try text(value, field: field, maximumLength: 254).lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !address.contains(where: \.isWhitespace)
        else {
            throw ValidationError(field: field, message: "must be an email address such as name@hospital.org")
        }
        return address
    }

    /// Checks an IANA time zone identifier.
    /// - Parameters:
    ///   - value: The identifier, such as `Europe/Berlin`.
    ///   - field: The field's name, for the error.
    /// - Returns: The identifier, trimmed.
    /// - Throws: ``ValidationError`` when no such time zone is known.
    public static func timeZone(_ value: String, field: String = "timeZone") throws -> String {
        let identifier = try text(value, field: field, maximumLength: 64)
        guard TimeZone(identifier: identifier) != nil else {
            throw ValidationError(field: field, message: "must be an IANA time zone such as America/New_York")
        }
        return identifier
    }

    /// Checks that a set of roles is not empty.
    /// - Parameters:
    ///   - roles: The roles.
    ///   - field: The field's name, for the error.
    /// - Returns: The roles.
    /// - Throws: ``ValidationError`` for an empty set.
    public static func roles(_ roles: Set<Role>, field: String = "roles") throws -> Set<Role> {
        guard !roles.isEmpty else { throw ValidationError(field: field, message: "must name at least one role") }
        return roles
    }

    /// Checks a list of facility IDs: at most 100, each a plausible identifier.
    /// - Parameters:
    ///   - ids: The identifiers.
    ///   - field: The field's name, for the error.
    /// - Returns: The identifiers as a set.
    /// - Throws: ``ValidationError`` for too many or a malformed one.
    public static func facilityIDs(_ ids: [FacilityID], field: String = "facilityIDs") throws -> Set<FacilityID> {
        guard ids.count <= 100 else { throw ValidationError(field: field, message: "must list at most 100 facilities") }
        for (index, id) in ids.enumerated() where FacilityID(validating: id.rawValue) == nil {
            throw ValidationError(field: "\(field)[\(index)]", message: "is not a facility ID")
        }
        return Set(ids)
    }

    /// Checks a name such as a policy's or an agreement's: 1 to 64 lowercase letters, digits,
    /// `-` and `_`, starting with a letter.
    /// - Throws: ``ValidationError`` on `field`.
    public static func slug(_ name: String, field: String) throws -> String {
        let bytes = Array(name.utf8)
        let allowed = { (byte: UInt8) in
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F
        }
        guard (1...64).contains(bytes.count), (0x61...0x7A).contains(bytes[0]), bytes.allSatisfy(allowed) else {
            throw ValidationError(
                field: field, message: "must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter")
        }
        return name
    }
}
