/// What a remote command tells a device to do (`docs/commands.md`, "Commands").
public enum CommandKind: String, Codable, CaseIterable, Sendable {
    /// Lock the screen, optionally showing a message.
    case lock
    /// Lost mode on: lock the screen with a message and a number to call, and report location.
    case lostModeOn = "lost_mode_on"
    /// Lost mode off: back to normal.
    case lostModeOff = "lost_mode_off"
    /// Report the device's location now.
    case locate
    /// Play a sound, to find the device.
    case playSound = "play_sound"
    /// Erase the whole device (hospital-owned devices only).
    case fullWipe = "full_wipe"
    /// Remove the managed apps, their data and the keys that protect PHI; nothing else.
    case selectiveWipe = "selective_wipe"
    /// Block the device's PHI apps (issued by the access decision when it changes to denied).
    case blockPHI = "block_phi"
    /// Restore the device's PHI apps (issued by the access decision when it changes to allowed).
    case restorePHI = "restore_phi"
    /// Install a managed app from the catalog.
    case installApp = "install_app"
    /// Remove a managed app and its data.
    case removeApp = "remove_app"
    /// Fetch and apply the policy in force now.
    case applyPolicy = "apply_policy"
    /// Replace the device's key pair (the agent rotates its credential).
    case rotateCredential = "rotate_credential"
    /// Take the device out of service: remove the managed apps and forget the enrollment.
    case retire

    /// The ownership rule (``DeviceActionPolicy``) the command stands under; `nil` for a command
    /// every device takes (the hospital's own apps, policy and credential).
    public var remoteAction: RemoteAction? {
        switch self {
        case .lock, .lostModeOn, .lostModeOff: .lock
        case .locate: .locate
        case .playSound: .ring
        case .fullWipe: .fullWipe
        case .selectiveWipe, .retire: .selectiveWipe
        case .blockPHI, .restorePHI, .installApp, .removeApp, .applyPolicy, .rotateCredential: nil
        }
    }

    /// Whether the command erases data: the wipe guard-rail counts these (`retire` erases the
    /// managed data as a selective wipe does).
    public var isWipe: Bool { self == .fullWipe || self == .selectiveWipe || self == .retire }

    /// The priority a command of this kind gets unless its issuer names one.
    public var defaultPriority: CommandPriority {
        switch self {
        case .lock, .lostModeOn, .fullWipe, .selectiveWipe, .blockPHI: .high
        case .lostModeOff, .locate, .playSound, .restorePHI, .retire, .rotateCredential: .normal
        case .installApp, .removeApp, .applyPolicy: .low
        }
    }

    /// How long a command of this kind waits for its device unless its issuer says otherwise:
    /// a sound or a location is useful for minutes, a wipe for weeks.
    public var defaultLifetime: Double {
        switch self {
        case .playSound: 900
        case .locate: 3_600
        case .lock, .lostModeOn, .lostModeOff, .applyPolicy, .blockPHI, .restorePHI: 7 * 86_400
        case .installApp, .removeApp, .rotateCredential: 14 * 86_400
        case .fullWipe, .selectiveWipe, .retire: 30 * 86_400
        }
    }
}

/// The order in which a device's waiting commands are delivered: higher first, then oldest first.
public enum CommandPriority: String, Codable, CaseIterable, Sendable, Comparable {
    case low
    case normal
    case high

    /// The rank sorted by: 0, 1, 2.
    public var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        }
    }

    public static func < (lhs: CommandPriority, rhs: CommandPriority) -> Bool { lhs.rank < rhs.rank }
}
