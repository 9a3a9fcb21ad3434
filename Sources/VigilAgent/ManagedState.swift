import Foundation
import VigilCore

/// What the agent manages on its device and commands change (`docs/commands.md`, "Agent and
/// simulator"): the lock, lost mode, the PHI block, the managed apps, and the PHI store and its
/// keys that a wipe erases. A real agent applies it to the platform; a simulated device only keeps it.
public struct ManagedState: Codable, Sendable, Equatable {
    /// The lock-screen text of lost mode, with a callback number.
    public struct LostMode: Codable, Sendable, Equatable {
        public var message: String
        public var phone: String?

        /// Describes lost mode.
        public init(message: String, phone: String? = nil) {
            self.message = message
            self.phone = phone
        }
    }

    /// Whether the screen is locked (until the person unlocks it).
    public var locked: Bool
    /// The message shown on the lock screen, if any.
    public var lockMessage: String?
    /// Set while lost mode is on: locked, the message shown, location reported.
    public var lostMode: LostMode?
    /// Whether the managed apps that handle PHI are blocked.
    public var phiBlocked: Bool
    /// The managed apps installed, by identifier, sorted.
    public var managedApps: [String]
    /// The PHI store's records (cached patient data of the managed apps), by name.
    public var phiRecords: [String]
    /// The identifiers of the keys that encrypt the PHI store.
    public var phiKeys: [String]
    /// The personal files of a personal device, which no command of the hospital touches.
    public var personalFiles: [String]
    /// Set once the device was wiped whole: it holds nothing of anyone's.
    public var fullyWiped: Bool
    /// Set once the device was retired: it stops.
    public var retired: Bool
    /// The answers to the last commands executed, oldest first: a command handed out again (its
    /// answer was lost, even across a restart) is answered with them, not run twice.
    public var recentAnswers: [CommandOutcome]

    /// Describes a state.
    public init(
        locked: Bool = false, lockMessage: String? = nil, lostMode: LostMode? = nil, phiBlocked: Bool = false,
        managedApps: [String] = [], phiRecords: [String] = [], phiKeys: [String] = [], personalFiles: [String] = [],
        fullyWiped: Bool = false, retired: Bool = false, recentAnswers: [CommandOutcome] = []
    ) {
        self.locked = locked
        self.lockMessage = lockMessage
        self.lostMode = lostMode
        self.phiBlocked = phiBlocked
        self.managedApps = managedApps.sorted()
        self.phiRecords = phiRecords
        self.phiKeys = phiKeys
        self.personalFiles = personalFiles
        self.fullyWiped = fullyWiped
        self.retired = retired
        self.recentAnswers = recentAnswers
    }

    /// Whether the device holds any PHI or a key to it.
    public var holdsPHI: Bool { !phiRecords.isEmpty || !phiKeys.isEmpty }

    /// Removes the managed apps, their data and the PHI keys: a selective wipe.
    mutating func eraseManagedData() {
        managedApps = []
        phiRecords = []
        phiKeys = []
    }
}
