/// One change to the organization's policies, with the version it expects to find, so that two
/// administrators changing the same policy at once cannot silently overwrite each other.
public enum PolicyChange: Sendable, Equatable {
    /// Adds a policy (version 1); refused when the name is taken.
    case create(SecurityPolicy)
    /// Replaces a policy at `fromVersion` with `policy` (whose version is one more).
    case update(SecurityPolicy, fromVersion: Int)
    /// Removes a policy at `version`.
    case remove(name: String, version: Int)

    /// The policy's name.
    public var name: String {
        switch self {
        case .create(let policy), .update(let policy, _): policy.name
        case .remove(let name, _): name
        }
    }

    /// The changes that turn `current` into `desired`.
    /// - Parameters:
    ///   - current: The policies in force.
    ///   - desired: The policies wanted (versions ignored).
    ///   - removingOthers: Whether policies in `current` but not in `desired` are removed (a whole
    ///     policy file), or kept (one policy written on its own).
    /// - Returns: The changes, by name; nothing for a policy whose content is unchanged.
    public static func changes(
        from current: [SecurityPolicy], to desired: [SecurityPolicy], removingOthers: Bool
    ) -> [PolicyChange] {
        let existing = Dictionary(current.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [PolicyChange] = []
        for var policy in desired {
            if let old = existing[policy.name] {
                guard !policy.hasSameContent(as: old) else { continue }
                policy.version = old.version + 1
                changes.append(.update(policy, fromVersion: old.version))
            } else {
                policy.version = 1
                changes.append(.create(policy))
            }
        }
        if removingOthers {
            let kept = Set(desired.map(\.name))
            for old in current where !kept.contains(old.name) {
                changes.append(.remove(name: old.name, version: old.version))
            }
        }
        return changes.sorted { $0.name < $1.name }
    }
}
