import VigilCore

/// The posture of a Linux host: its OS version, its battery when it has one, and the agent's
/// version. Linux tells nothing standard about passcodes, screen locks, patches or disk
/// encryption, so those stay `nil` ("not applicable") rather than guessed.
public struct LinuxPostureProvider: PostureProvider {
    private let host: LinuxHost

    /// A provider reading `host`.
    /// - Parameter host: This host by default.
    public init(host: LinuxHost = LinuxHost()) {
        self.host = host
    }

    /// The host's posture now.
    public func currentPosture() async -> Posture {
        Posture(osVersion: host.osVersion, agentVersion: VigilAgentVersion.current, batteryPercent: host.batteryPercent)
    }
}
