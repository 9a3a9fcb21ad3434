import Foundation

extension DeviceFacts {
    /// The most hardware identifiers one device may report.
    public static let maximumHardwareIdentifiers = 8

    /// The longest hardware identifier, in characters.
    public static let maximumHardwareIdentifierLength = 64

    /// The longest phone number, in characters.
    public static let maximumPhoneNumberLength = 32

    /// The characters a phone number may hold besides digits: `+`, spaces, dashes, dots and parentheses.
    private static let phoneNumberPunctuation: Set<Character> = ["+", " ", "-", ".", "(", ")"]

    /// Checks the phone number.
    /// - Returns: The number trimmed, or `nil` when the device reported none.
    /// - Throws: ``ValidationError`` (`facts.phoneNumber`) for text that is not a phone number such
    ///   as `+1 555 010 0199`: empty, longer than ``maximumPhoneNumberLength``, without a digit, or
    ///   with characters other than digits and phone punctuation.
    public func validatedPhoneNumber() throws -> String? {
        guard let phoneNumber else { return nil }
        let field = "facts.phoneNumber"
        let number = try Validate.text(phoneNumber, field: field, maximumLength: Self.maximumPhoneNumberLength)
        guard number.contains(where: \.isASCIIDigit),
            number.allSatisfy({ $0.isASCIIDigit || Self.phoneNumberPunctuation.contains($0) })
        else {
            throw ValidationError(field: field, message: "must be a phone number such as +1 555 010 0199")
        }
        return number
    }

    /// Checks the hardware identifiers.
    /// - Returns: The identifiers trimmed, in the order reported; empty when the device reported none.
    /// - Throws: ``ValidationError`` naming the field at fault (`facts.hardwareIdentifiers` for
    ///   too many, `facts.hardwareIdentifiers[2]` for an empty, oversized or control-laden one).
    public func validatedHardwareIdentifiers() throws -> [String] {
        guard let hardwareIdentifiers else { return [] }
        guard hardwareIdentifiers.count <= Self.maximumHardwareIdentifiers else {
            throw ValidationError(
                field: "facts.hardwareIdentifiers",
                message: "must list at most \(Self.maximumHardwareIdentifiers) identifiers")
        }
        return try hardwareIdentifiers.enumerated().map { index, identifier in
            try Validate.text(
                identifier, field: "facts.hardwareIdentifiers[\(index)]",
                maximumLength: Self.maximumHardwareIdentifierLength)
        }
    }
}

extension Character {
    /// Whether the character is one of the ASCII digits 0 to 9.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
