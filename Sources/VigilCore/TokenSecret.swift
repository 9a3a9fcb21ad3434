import Crypto
import Foundation

/// The secret half of an API token: shown once to its owner, stored only as a SHA-256 hash.
///
/// Generated secrets carry 256 random bits, written `vigil_` followed by 43 base64url characters.
/// Because they are random and long, a plain SHA-256 (not a slow password hash) is enough to keep
/// a stolen database from yielding usable tokens.
public struct TokenSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret as the client sends it in `Authorization: Bearer …`.
    public let value: String

    /// The prefix of every generated secret; it lets secret scanners recognize leaked tokens.
    public static let prefix = "vigil_"
    /// The shortest secret an operator may choose (for `VIGIL_BOOTSTRAP_TOKEN`).
    public static let minimumChosenLength = 32
    /// The longest secret accepted anywhere.
    public static let maximumLength = 256

    /// Makes a new random secret.
    /// - Parameter generator: The source of randomness; the system's by default.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> TokenSecret {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return TokenSecret(unchecked: prefix + Base64URL.encode(bytes))
    }

    /// Makes a new random secret from the system's random numbers.
    public static func generate() -> TokenSecret {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// Accepts a secret an operator chose.
    /// - Parameter chosen: The secret.
    /// - Throws: ``ValidationError`` when it is shorter than 32 characters, longer than 256, or
    ///   holds anything but printable ASCII without spaces.
    public init(chosen: String) throws {
        guard chosen.count >= Self.minimumChosenLength, chosen.count <= Self.maximumLength else {
            throw ValidationError(
                field: "token",
                message: "must be \(Self.minimumChosenLength) to \(Self.maximumLength) characters long")
        }
        guard chosen.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ValidationError(field: "token", message: "must be printable ASCII without spaces")
        }
        self.value = chosen
    }

    /// Wraps a secret presented by a client, without judging it.
    /// - Parameter presented: The bearer token from a request.
    public init(presented: String) {
        self.value = presented
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// The hex SHA-256 of the secret: the only form in which Vigil stores it.
    public var hash: String { SHA256Hex.of(value) }

    /// Never the secret itself, so that interpolating a secret into a log line leaks nothing.
    public var description: String { "TokenSecret(redacted)" }
    public var debugDescription: String { description }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), written by hand because every
/// signed device request needs several and Foundation's detour through standard base64 is slow.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { values[Int(character)] = UInt8(index) }
        return values
    }()

    /// Encodes bytes.
    /// - Parameter bytes: The bytes.
    /// - Returns: Their unpadded base64url text.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 2 < input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(chunk >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        let remaining = input.count - index
        if remaining > 0 {
            let chunk = UInt32(input[index]) << 16 | (remaining == 2 ? UInt32(input[index + 1]) << 8 : 0)
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            if remaining == 2 { output.append(alphabet[Int(chunk >> 6 & 0x3F)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes unpadded base64url text.
    /// - Parameter text: The text.
    /// - Returns: The bytes, or `nil` when the text is not base64url (padding, other characters,
    ///   an impossible length, or stray bits in the last character).
    public static func decode(_ text: String) -> Data? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1 else { return nil }
        var output = Data()
        output.reserveCapacity(input.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in input {
            let value = values[Int(character)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { return nil }
        return output
    }
}
