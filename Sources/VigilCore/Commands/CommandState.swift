/// Where a command stands (`docs/commands.md`, "Lifecycle").
///
/// `held` → `queued` → `delivered` → `acknowledged` | `failed` | `not_now`; `not_now` goes back to
/// waiting; any state that has not ended may become `expired` or `cancelled`.
public enum CommandState: String, Codable, CaseIterable, Sendable {
    /// Held by the wipe guard-rail until a second administrator approves it.
    case held
    /// Waiting for its device.
    case queued
    /// Sent to its device, without an answer yet; sent again if none comes in time.
    case delivered
    /// Done by the device.
    case acknowledged
    /// The device tried and could not; its error is the command's result.
    case failed
    /// The device will take it later (its person is on a call, say); waiting again until then.
    case notNow = "not_now"
    /// Its expiry passed before the device took it.
    case expired
    /// Cancelled by an administrator, or by the event that made it pointless (a device found).
    case cancelled

    /// Whether the command's life is over.
    public var hasEnded: Bool {
        switch self {
        case .acknowledged, .failed, .expired, .cancelled: true
        case .held, .queued, .delivered, .notNow: false
        }
    }

    /// The states a device may still be sent a command in.
    public static let waiting: [CommandState] = [.queued, .delivered, .notNow]
}
