import Foundation

/// A kind of record that Vigil names with an ``Identifier``.
public protocol IdentifiedEntity {
    /// The short prefix every identifier of this kind starts with, such as `per` for a person.
    static var identifierPrefix: String { get }
}

/// An opaque, immutable identifier of one record, such as `per_01JD3V6Q8R0000000000000000`.
///
/// Identifiers are never reused or changed (HIPAA §164.312(a)(2)(i) asks for a unique user
/// identification). They sort in creation order because they start with the creation time
/// (the ULID layout: 48 bits of milliseconds, then 80 random bits, in Crockford base 32), which
/// makes them usable as pagination cursors. Clients must treat them as opaque strings.
public struct Identifier<Entity: IdentifiedEntity>: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    CustomStringConvertible
{
    /// The identifier as it travels over the API and sits in the database.
    public let rawValue: String

    /// Wraps a string that names a record; it is not checked.
    /// - Parameter rawValue: The identifier as stored.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Accepts text as an identifier of this kind only if it has the form Vigil generates: the
    /// entity's prefix, an underscore and 26 characters of Crockford base 32.
    /// - Parameter text: The text, such as a path parameter or a field of a request.
    /// - Returns: `nil` for anything else, so that no malformed value reaches a query.
    public init?(validating text: String) {
        let prefix = "\(Entity.identifierPrefix)_"
        guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + 26,
            text.dropFirst(prefix.count).allSatisfy({ ULID.alphabet.contains($0) })
        else { return nil }
        self.rawValue = text
    }

    /// Makes a new identifier for a record created at `time`.
    /// - Parameters:
    ///   - time: The creation time, encoded in the identifier's first ten characters.
    ///   - generator: The source of the 80 random bits.
    /// - Returns: A fresh identifier with this entity's prefix.
    public static func generate<G: RandomNumberGenerator>(at time: Date, using generator: inout G) -> Self {
        Self(rawValue: "\(Entity.identifierPrefix)_\(ULID.make(at: time, using: &generator))")
    }

    /// Makes a new identifier for a record created at `time`, with the system's random numbers.
    /// - Parameter time: The creation time.
    /// - Returns: A fresh identifier with this entity's prefix.
    public static func generate(at time: Date) -> Self {
        var generator = SystemRandomNumberGenerator()
        return generate(at: time, using: &generator)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The ULID text layout: time-ordered, 26 characters of Crockford base 32.
enum ULID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func make<G: RandomNumberGenerator>(at time: Date, using generator: inout G) -> String {
        let milliseconds = UInt64(max(0, time.millisecondsSince1970))
        var characters: [Character] = []
        characters.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) {
            characters.append(alphabet[Int((milliseconds >> UInt64(shift)) & 0x1F)])
        }
        let high = generator.next() & 0xFF_FFFF_FFFF  // 40 bits
        let low = generator.next() & 0xFF_FFFF_FFFF  // 40 bits
        for part in [high, low] {
            for shift in stride(from: 35, through: 0, by: -5) {
                characters.append(alphabet[Int((part >> UInt64(shift)) & 0x1F)])
            }
        }
        return String(characters)
    }
}
