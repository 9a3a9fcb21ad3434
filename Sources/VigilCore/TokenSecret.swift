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

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
public enum Base64URL {
    /// Encodes bytes.
    /// - Parameter bytes: The bytes.
    /// - Returns: Their unpadded base64url text.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes unpadded base64url text.
    /// - Parameter text: The text.
    /// - Returns: The bytes, or `nil` when the text is not base64url.
    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("="), !base64.contains("\n") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
