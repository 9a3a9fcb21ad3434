import Foundation
import VigilCore

/// Executes the server's commands against a ``ManagedState`` and answers each
/// (`docs/commands.md`, "Agent and simulator"). What the device cannot do (locate without a
/// location source, play a sound without a speaker) fails with the reason; an unknown kind, from
/// a newer server, fails too and never blocks the ones behind it.
public struct CommandExecutor: Sendable {
    /// What the device can do beyond the state itself.
    public struct Capabilities: Sendable, Equatable {
        /// It has a location source (and reports a fix when asked to locate).
        public var canLocate: Bool
        /// It has a speaker.
        public var canPlaySound: Bool

        /// Describes a device's capabilities.
        public init(canLocate: Bool, canPlaySound: Bool) {
            self.canLocate = canLocate
            self.canPlaySound = canPlaySound
        }
    }

    /// Work a command leaves for the agent, after the state has changed.
    public enum FollowUp: Sendable, Equatable {
        /// Report a location fix now.
        case reportLocation
        /// Fetch the provisioning (the policies and managed apps) again.
        case refreshProvisioning
        /// Replace the device key.
        case rotateCredential
        /// Stop: the device was retired or wiped whole.
        case stop
    }

    /// What executing one command did.
    public struct Execution: Sendable, Equatable {
        public var outcome: CommandOutcome
        public var followUp: FollowUp?
    }

    public let capabilities: Capabilities

    /// An executor for a device with `capabilities`.
    public init(capabilities: Capabilities) { self.capabilities = capabilities }

    /// Executes `command` on `state`.
    public func execute(_ command: PendingCommand, on state: inout ManagedState) -> Execution {
        guard let kind = CommandKind(rawValue: command.type) else {
            return Self.failed(command, "this agent does not know the command \(command.type); update it")
        }
        if state.fullyWiped || state.retired {
            return Self.failed(command, "the device was \(state.retired ? "retired" : "wiped"); it takes no more commands")
        }
        switch kind {
        case .lock:
            state.locked = true
            state.lockMessage = command.parameters["message"]
            return Self.done(command, "locked")
        case .lostModeOn:
            state.locked = true
            state.lostMode = ManagedState.LostMode(message: command.parameters["message"] ?? "", phone: command.parameters["phone"])
            return Self.done(command, "lost mode on", then: capabilities.canLocate ? .reportLocation : nil)
        case .lostModeOff:
            state.lostMode = nil
            return Self.done(command, "lost mode off")
        case .locate:
            guard capabilities.canLocate else { return Self.failed(command, "this device has no location source") }
            return Self.done(command, "location reported", then: .reportLocation)
        case .playSound:
            guard capabilities.canPlaySound else { return Self.failed(command, "this device has no speaker") }
            return Self.done(command, "sound played")
        case .fullWipe:
            state = ManagedState(fullyWiped: true, recentAnswers: state.recentAnswers)
            return Self.done(command, "wiped: every app, file and key erased", then: .stop)
        case .selectiveWipe:
            state.eraseManagedData()
            return Self.done(command, "managed apps, their data and the PHI keys erased; personal data untouched")
        case .blockPHI:
            state.phiBlocked = true
            return Self.done(command, "PHI apps blocked")
        case .restorePHI:
            state.phiBlocked = false
            return Self.done(command, "PHI apps restored")
        case .installApp, .removeApp:
            guard let app = command.parameters["app"] else { return Self.failed(command, "the command names no app") }
            var apps = Set(state.managedApps)
            if kind == .installApp { apps.insert(app) } else { apps.remove(app) }
            state.managedApps = apps.sorted()
            return Self.done(command, "\(app) \(kind == .installApp ? "installed" : "removed")")
        case .applyPolicy:
            return Self.done(command, "policy applied", then: .refreshProvisioning)
        case .rotateCredential:
            return Self.done(command, "credential rotation started", then: .rotateCredential)
        case .retire:
            state.eraseManagedData()
            state.retired = true
            return Self.done(command, "retired: managed data erased", then: .stop)
        }
    }

    static func done(_ command: PendingCommand, _ detail: String, then followUp: FollowUp? = nil) -> Execution {
        Execution(outcome: CommandOutcome(commandID: command.id, status: .acknowledged, detail: detail), followUp: followUp)
    }

    static func failed(_ command: PendingCommand, _ detail: String) -> Execution {
        Execution(outcome: CommandOutcome(commandID: command.id, status: .failed, detail: detail), followUp: nil)
    }
}
