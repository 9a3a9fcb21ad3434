import Foundation

/// Something the hospital could do to a device from afar, allowed or not by ``DeviceActionPolicy``.
public enum RemoteAction: String, Codable, CaseIterable, Sendable {
    /// Lock the screen.
    case lock
    /// Play a sound, to find the device.
    case ring
    /// Show where the device is.
    case locate
    /// Remove the managed apps, their data and the keys that protect PHI; nothing else.
    case selectiveWipe = "selective_wipe"
    /// Erase the whole device back to its factory settings.
    case fullWipe = "full_wipe"
    /// See which apps the person installed themselves.
    case viewPersonalApps = "view_personal_apps"
    /// Read the person's own data: messages, email, photos, files, histories.
    case readPersonalData = "read_personal_data"

    /// What the action is called on a privacy page.
    public var title: String {
        switch self {
        case .lock: "Lock the screen"
        case .ring: "Make it ring"
        case .locate: "Locate it"
        case .selectiveWipe: "Remove the hospital's apps and data (selective wipe)"
        case .fullWipe: "Erase the whole device (full wipe)"
        case .viewPersonalApps: "See the apps you installed"
        case .readPersonalData: "Read your personal data"
        }
    }
}

/// Whether the hospital may take one ``RemoteAction`` on a device, and why, in words for its person.
public struct RemoteCapability: Codable, Sendable, Equatable {
    /// The action.
    public let action: RemoteAction
    /// Its title.
    public let title: String
    /// Whether the hospital may take it.
    public let allowed: Bool
    /// What it does, or why it is not possible.
    public let detail: String

    /// Describes a capability.
    public init(action: RemoteAction, allowed: Bool, detail: String) {
        self.action = action
        self.title = action.title
        self.allowed = allowed
        self.detail = detail
    }
}

/// What the hospital may do to a device, by ownership and the collection matrix: the one rule
/// that the privacy page states and the command queue enforces.
///
/// Lock, ring and selective wipe are always possible. A device can be located only when its
/// precise location is collected, and its personal apps seen only when they are collected. Only
/// a hospital-owned device (corporate, shared, patient-issued) may be wiped whole. Nobody ever
/// reads a person's own data.
public enum DeviceActionPolicy {
    /// Whether the hospital may take `action` on a device of `ownership`.
    /// - Parameters:
    ///   - action: The action.
    ///   - ownership: Who owns the device.
    ///   - collection: The collection matrix in force.
    public static func allows(_ action: RemoteAction, on ownership: Ownership, collection: CollectionMatrix) -> Bool {
        switch action {
        case .lock, .ring, .selectiveWipe: true
        case .locate: collection.collects(.preciseLocation, for: ownership)
        case .fullWipe: ownership.isHospitalOwned
        case .viewPersonalApps: collection.collects(.personalApps, for: ownership)
        case .readPersonalData: false
        }
    }

    /// Every action, in ``RemoteAction`` order, with whether the hospital may take it on a device
    /// of `ownership` and why.
    public static func capabilities(for ownership: Ownership, collection: CollectionMatrix) -> [RemoteCapability] {
        RemoteAction.allCases.map { action in
            let allowed = allows(action, on: ownership, collection: collection)
            return RemoteCapability(action: action, allowed: allowed, detail: detail(of: action, allowed: allowed))
        }
    }

    static func detail(of action: RemoteAction, allowed: Bool) -> String {
        switch (action, allowed) {
        case (.lock, _): "Locks the screen, as if you pressed the power button; nothing is erased."
        case (.ring, _): "Plays a sound so that the device can be found."
        case (.locate, true): "Shows where the device was at its last check-in, from the location it reports."
        case (.locate, false): "Not possible: the device's precise location is never collected."
        case (.selectiveWipe, _):
            "Removes the hospital's managed apps, their data and the keys that protect patient information; "
                + "your own apps, photos and files stay."
        case (.fullWipe, true): "Erases everything on the device and restores its factory settings: it belongs to the hospital."
        case (.fullWipe, false): "Never: the device is yours. Only the hospital's apps and data can be removed from it."
        case (.viewPersonalApps, true): "Shows the list of apps installed besides the hospital's managed apps."
        case (.viewPersonalApps, false): "Not possible: the apps you installed yourself are never collected."
        case (.readPersonalData, _):
            "Never: Vigil has no way to read your messages, email, photos, files, browsing or call history, "
                + "or what is in your apps."
        }
    }
}
