import Foundation

/// What tells the agent whether its device is used and whether it moves: the platform's idle
/// time and motion sensor on a phone; a simulated device's schedule in the simulator.
public protocol PresenceSource: Sendable {
    /// The latest facts.
    func sample() async -> PresenceSample
}

/// When somebody last used the device, and when it last moved (`nil` without a motion sensor:
/// the device then counts as still since its last use).
public struct PresenceSample: Sendable, Equatable {
    public var lastInteraction: Date
    public var lastMovement: Date?

    /// Describes a sample.
    public init(lastInteraction: Date, lastMovement: Date?) {
        self.lastInteraction = lastInteraction
        self.lastMovement = lastMovement
    }
}

/// Watches whether anybody uses the device and whether it moves, and says when to lock the screen
/// (automatic logoff after the policy's inactivity timeout) and when to report the device left
/// behind (still and untouched for the provisioning's `leftBehindAfterMinutes`): once per spell
/// of neglect, until somebody touches or moves it again.
public struct PresenceWatch: Sendable, Equatable {
    /// What to do now.
    public enum Action: Sendable, Equatable {
        /// Lock the screen: nobody used the device for the inactivity timeout.
        case lockForInactivity
        /// Report the device left behind, with these times.
        case reportLeftBehind(stationarySince: Date, lastInteractionAt: Date)
    }

    /// When somebody last used the device.
    public private(set) var lastInteraction: Date
    /// Since when the device has not moved.
    public private(set) var stationarySince: Date
    private var lockedForThisSpell = false
    private var reportedThisSpell = false

    /// A watch that starts with the device in use and moving at `now`.
    public init(now: Date) {
        lastInteraction = now
        stationarySince = now
    }

    /// Somebody used the device: the spell of neglect ends.
    public mutating func interacted(at time: Date) {
        lastInteraction = max(lastInteraction, time)
        lockedForThisSpell = false
        reportedThisSpell = false
    }

    /// The device moved.
    public mutating func moved(at time: Date) {
        stationarySince = max(stationarySince, time)
        reportedThisSpell = false
    }

    /// What is due at `now`.
    /// - Parameters:
    ///   - inactivityLockSeconds: The policy's screen-lock timeout (`maximumScreenLockSeconds`), if any.
    ///   - leftBehindAfterMinutes: The provisioning's left-behind time, if any.
    public mutating func due(at now: Date, inactivityLockSeconds: Int?, leftBehindAfterMinutes: Int?) -> [Action] {
        var actions: [Action] = []
        if let seconds = inactivityLockSeconds, !lockedForThisSpell, now.timeIntervalSince(lastInteraction) >= Double(seconds) {
            lockedForThisSpell = true
            actions.append(.lockForInactivity)
        }
        let unattendedSince = max(stationarySince, lastInteraction)
        if let minutes = leftBehindAfterMinutes, !reportedThisSpell, now.timeIntervalSince(unattendedSince) >= Double(minutes * 60) {
            reportedThisSpell = true
            actions.append(.reportLeftBehind(stationarySince: stationarySince, lastInteractionAt: lastInteraction))
        }
        return actions
    }
}
