import Foundation
import VigilCore

/// What one replica tells the others sharing its database (`docs/commands.md`, "Several replicas
/// on one PostgreSQL").
public enum ReplicaNotice: Sendable, Equatable {
    /// These devices have commands waiting; `nil` for "maybe any" (a batch).
    case commands([DeviceID]?)
    /// A device's access decision changed, as the replica `origin` evaluated it.
    case access(DeviceID, AccessStatus, origin: String)
}

/// The payloads of notices on PostgreSQL's channel: device identifiers separated by commas, or
/// `*` for "maybe any"; an access change as `access ` and its JSON. PostgreSQL takes payloads
/// under 8,000 bytes, so many devices take several notices.
enum CommandNotice {
    /// The most bytes of one payload.
    static let maximumPayload = 7_000

    /// The payloads that name `devices` (`*` for `nil`); none for no device.
    static func payloads(for devices: [DeviceID]?) -> [String] {
        guard let devices else { return ["*"] }
        var payloads: [String] = []
        var current = ""
        for device in devices {
            if !current.isEmpty, current.utf8.count + 1 + device.rawValue.utf8.count > maximumPayload {
                payloads.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : ",") + device.rawValue
        }
        if !current.isEmpty { payloads.append(current) }
        return payloads
    }

    /// The devices a payload names; `nil` for `*`. Malformed identifiers are left out.
    static func devices(in payload: String) -> [DeviceID]? {
        guard payload != "*" else { return nil }
        return payload.split(separator: ",").compactMap { DeviceID(validating: String($0)) }
    }

    private struct AccessPayload: Codable {
        let deviceID: DeviceID
        let access: AccessStatus
        let origin: String
    }

    static let accessPrefix = "access "

    /// The payload of an access change.
    static func payload(access: AccessStatus, of deviceID: DeviceID, origin: String) -> String {
        accessPrefix + StoredJSON.encode(AccessPayload(deviceID: deviceID, access: access, origin: origin))
    }

    /// The notice a payload carries; `nil` for one that is not a notice.
    static func notice(in payload: String) -> ReplicaNotice? {
        guard payload.hasPrefix(accessPrefix) else { return .commands(devices(in: payload)) }
        guard let decoded = try? StoredJSON.decode(AccessPayload.self, from: String(payload.dropFirst(accessPrefix.count)), column: "notice")
        else { return nil }
        return .access(decoded.deviceID, decoded.access, origin: decoded.origin)
    }
}
