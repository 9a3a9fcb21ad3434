import VigilCore

/// The payload of a command notice on PostgreSQL's channel: device identifiers separated by
/// commas, or `*` for "maybe any". PostgreSQL takes payloads under 8,000 bytes, so many devices
/// take several notices.
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
}
