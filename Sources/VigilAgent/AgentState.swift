import Foundation
import VigilCore

/// Who this device is to its Vigil server: what the agent keeps between runs, in
/// ``AgentStateStore``. It holds the device's private key; its description never shows it.
public struct AgentState: Sendable, Codable, CustomStringConvertible {
    /// The server's base URL, such as `https://vigil.example.org`.
    public var serverURL: URL
    /// The device's identifier, from enrollment.
    public var deviceID: DeviceID
    /// The device's key pair.
    public var key: DeviceKey
    /// When the device enrolled.
    public var enrolledAt: Date
    /// Who owns the device.
    public var ownership: Ownership
    /// What kind of device it is.
    public var deviceClass: DeviceClass

    /// Describes an enrolled device.
    /// - Parameters:
    ///   - serverURL: The server's base URL.
    ///   - deviceID: The device's identifier.
    ///   - key: The device's key pair.
    ///   - enrolledAt: When it enrolled.
    ///   - ownership: Who owns it.
    ///   - deviceClass: What kind of device it is.
    public init(
        serverURL: URL, deviceID: DeviceID, key: DeviceKey, enrolledAt: Date, ownership: Ownership,
        deviceClass: DeviceClass
    ) {
        self.serverURL = serverURL
        self.deviceID = deviceID
        self.key = key
        self.enrolledAt = enrolledAt
        self.ownership = ownership
        self.deviceClass = deviceClass
    }

    private enum CodingKeys: String, CodingKey {
        case serverURL, deviceID, privateKey, enrolledAt, ownership, deviceClass
    }

    /// Reads a stored identity; the private key is base64url of its 32 bytes.
    /// - Throws: `DecodingError` when a field is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.serverURL = try container.decode(URL.self, forKey: .serverURL)
        self.deviceID = try container.decode(DeviceID.self, forKey: .deviceID)
        let privateKey = try container.decode(String.self, forKey: .privateKey)
        guard let bytes = Base64URL.decode(privateKey), bytes.count == 32,
            let key = try? DeviceKey(rawRepresentation: bytes)
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .privateKey, in: container, debugDescription: "is not an Ed25519 private key")
        }
        self.key = key
        self.enrolledAt = try container.decode(Date.self, forKey: .enrolledAt)
        self.ownership = try container.decode(Ownership.self, forKey: .ownership)
        self.deviceClass = try container.decode(DeviceClass.self, forKey: .deviceClass)
    }

    /// Writes the identity, private key included: for ``AgentStateStore`` only.
    /// - Throws: When the encoder fails.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(serverURL, forKey: .serverURL)
        try container.encode(deviceID, forKey: .deviceID)
        try container.encode(Base64URL.encode(key.rawRepresentation), forKey: .privateKey)
        try container.encode(enrolledAt, forKey: .enrolledAt)
        try container.encode(ownership, forKey: .ownership)
        try container.encode(deviceClass, forKey: .deviceClass)
    }

    /// The device and its server, never the key.
    public var description: String {
        "AgentState(device: \(deviceID), server: \(serverURL.absoluteString), key: redacted)"
    }
}
