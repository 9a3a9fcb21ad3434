import Crypto
import Foundation
import VigilCore

/// The key pair a device generates for itself at enrollment. The private key never leaves the
/// device; the server learns only the public key, and the device proves who it is by signing.
///
/// Ed25519 (Curve25519 signatures), from swift-crypto, so that the same code runs in an iOS or
/// macOS app and on Linux.
public struct DeviceKey: Sendable, CustomStringConvertible, CustomReflectable {
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Generates a new key pair.
    public init() {
        self.privateKey = Curve25519.Signing.PrivateKey()
    }

    /// Restores a key pair the device stored.
    /// - Parameter rawRepresentation: The 32-byte private key from ``rawRepresentation``.
    /// - Throws: When the bytes are not an Ed25519 private key.
    public init(rawRepresentation: some ContiguousBytes) throws {
        self.privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
    }

    /// The private key's bytes, for the device's secure storage only.
    public var rawRepresentation: Data { privateKey.rawRepresentation }

    /// The public key as the server receives it: 32 bytes, base64url without padding.
    public var publicKey: String { Base64URL.encode(privateKey.publicKey.rawRepresentation) }

    /// The public key only, so that printing a key never reveals the private one.
    public var description: String { "DeviceKey(publicKey: \(publicKey))" }

    /// The public key only, so that `dump` never reveals the private one either.
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey]) }

    /// Signs `message`.
    /// - Parameter message: The bytes to sign, such as a server challenge.
    /// - Returns: The 64-byte signature, base64url without padding.
    /// - Throws: When signing fails.
    public func sign(_ message: some DataProtocol) throws -> String {
        Base64URL.encode(try privateKey.signature(for: message))
    }

    /// Checks a signature made by the holder of `publicKey`.
    /// - Parameters:
    ///   - signature: The base64url signature.
    ///   - message: The signed bytes.
    ///   - publicKey: The base64url public key.
    /// - Returns: `true` only for a valid signature by that key over exactly those bytes.
    public static func isValid(signature: String, of message: some DataProtocol, by publicKey: String) -> Bool {
        guard let keyBytes = Base64URL.decode(publicKey), let signatureBytes = Base64URL.decode(signature),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else { return false }
        return key.isValidSignature(signatureBytes, for: message)
    }
}
