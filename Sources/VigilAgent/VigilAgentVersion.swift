/// The version of this agent SDK.
public enum VigilAgentVersion {
    /// Reported as ``VigilCore/Posture/agentVersion`` at every check-in.
    public static let current = "0.1.0"
}
