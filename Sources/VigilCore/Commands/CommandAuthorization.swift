/// Whether a command may go to a device of a given ownership, and if not, why, in words for the
/// administrator who asked (`docs/commands.md`, "Who may do what").
public enum CommandAuthorization {
    /// Why `kind` may not go to a device of `ownership` under `collection`; `nil` when it may.
    public static func refusal(of kind: CommandKind, on ownership: Ownership, collection: CollectionMatrix) -> String? {
        guard let action = kind.remoteAction, !DeviceActionPolicy.allows(action, on: ownership, collection: collection)
        else { return nil }
        switch action {
        case .fullWipe:
            return "A \(ownership.rawValue) device belongs to its person: the hospital may not erase it whole. "
                + "Use selective_wipe, which removes the hospital's apps, their data and PHI keys only."
        case .locate:
            return "The precise location of a \(ownership.rawValue) device is never collected, so it cannot be located."
        default:
            return "The hospital may not \(action.title.lowercased()) on a \(ownership.rawValue) device."
        }
    }
}
