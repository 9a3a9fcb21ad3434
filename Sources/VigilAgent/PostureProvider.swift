import VigilCore

/// Tells the device's security posture for a check-in. Each platform has its own; facts it
/// cannot tell stay `nil`.
public protocol PostureProvider: Sendable {
    /// The posture as it is now.
    func currentPosture() async -> Posture
}
