import Crypto
import Foundation

/// Lowercase hex SHA-256, the form in which Vigil stores hashes of secrets.
public enum SHA256Hex {
    /// The hex SHA-256 of `text`'s UTF-8 bytes.
    public static func of(_ text: String) -> String {
        of(bytes: Data(text.utf8))
    }

    /// The hex SHA-256 of `bytes`.
    public static func of(bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lowercase hex of any bytes, such as a digest or a Merkle hash.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Ed25519 public keys, named once so that files need not import Crypto for the type alone.
typealias Curve25519SigningPublicKey = Curve25519.Signing.PublicKey
