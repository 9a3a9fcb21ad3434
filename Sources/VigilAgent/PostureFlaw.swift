import VigilCore

/// A way for a device to fall short of a security policy, for simulated devices and for
/// `vigil agent run --misbehave`: it turns a posture into a noncompliant one.
public enum PostureFlaw: String, CaseIterable, Sendable {
    /// A security patch from January 2025.
    case stalePatch = "stale-patch"
    /// No passcode set.
    case noPasscode = "no-passcode"
    /// Jailbroken or rooted.
    case rooted
    /// Storage not encrypted.
    case unencrypted
    /// The screen locks only after 30 minutes.
    case slowScreenLock = "slow-screen-lock"
    /// A Vigil agent older than any release (0.0.1).
    case outdatedAgent = "outdated-agent"

    /// Applies the flaw. Facts the device does not report (a CPAP machine has no passcode) stay
    /// unreported.
    public func apply(to posture: inout Posture) {
        switch self {
        case .stalePatch: posture.securityPatchDate = "2025-01-05"
        case .noPasscode:
            if posture.passcodeSet != nil {
                posture.passcodeSet = false
                posture.passcodeLengthClass = PasscodeLengthClass.none
            }
        case .rooted: posture.jailbroken = true
        case .unencrypted: posture.storageEncrypted = false
        case .slowScreenLock: if posture.screenLockTimeoutSeconds != nil { posture.screenLockTimeoutSeconds = 1_800 }
        case .outdatedAgent: posture.agentVersion = "0.0.1"
        }
    }
}

/// A posture provider that reports another's posture with flaws: a device told to misbehave.
public struct MisbehavingPostureProvider: PostureProvider {
    let base: any PostureProvider
    let flaws: [PostureFlaw]

    /// Reports `base`'s posture with `flaws` applied.
    public init(base: any PostureProvider, flaws: [PostureFlaw]) {
        self.base = base
        self.flaws = flaws
    }

    public func currentPosture() async -> Posture {
        var posture = await base.currentPosture()
        for flaw in flaws { flaw.apply(to: &posture) }
        return posture
    }
}
