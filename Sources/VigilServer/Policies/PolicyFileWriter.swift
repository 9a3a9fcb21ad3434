import Foundation
import VigilCore
import Yams

// Writing a policy file: the canonical text `vigil policy export` prints.

extension PolicyFile {
    /// The canonical text of the file: a comment, the format, the policies in order, then the
    /// BYOD sections the file has (``byodSections``) and its `fences:` (``placeSections``), a
    /// blank line between sections and between list items. Each item has its keys in a fixed
    /// order, without those left out (`nil`, a priority of 0, an empty scope) or its version.
    /// Writing what ``parse(_:)`` returns gives the same file back.
    /// - Returns: The YAML text.
    public func yaml() -> String {
        let header = "# Vigil policy file. Versions are kept by the server, so this file has none.\n"
            + "format: \(Self.format)\n"
        return ([header + Self.list("policies", policies.map(\.fileNode))] + byodSections + placeSections)
            .joined(separator: "\n")
    }

    /// A list section: `key: []` when empty, else each item as a one-item list, so that a blank
    /// line can separate them.
    static func list(_ key: String, _ items: [Node]) -> String {
        guard !items.isEmpty else { return "\(key): []\n" }
        return "\(key):\n" + items.map { emit(Node([$0])) }.joined(separator: "\n")
    }

    /// Writes a node as block YAML, two spaces a level, without folding long lines.
    static func emit(_ node: Node) -> String {
        // The emitter fails only on events out of order, which serializing a whole tree cannot give.
        try! Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
    }

    /// The lines of a text that ends with a line break, blank lines (in a block of text) included.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

extension SecurityPolicy {
    /// The policy as a mapping, in the file's key order.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = [("name", .text(name))]
        if let description { pairs.append(("description", .text(description))) }
        if priority != 0 { pairs.append(("priority", .number(priority))) }
        if scope != PolicyScope() { pairs.append(("scope", scope.fileNode)) }
        pairs.append(("requirements", requirements.fileNode))
        if let conditions, !conditions.isEmpty { pairs.append(("conditions", conditions.fileNode)) }
        if let gracePeriodMinutes { pairs.append(("gracePeriodMinutes", .number(gracePeriodMinutes))) }
        if let escalation { pairs.append(("escalation", Node(escalation.map(\.fileNode)))) }
        return Node(pairs)
    }
}

extension PolicyScope {
    /// The scope as a mapping of short lists, such as `ownership: [byod]`.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = []
        if let ownership { pairs.append(("ownership", .names(ownership))) }
        if let deviceClass { pairs.append(("deviceClass", .names(deviceClass))) }
        if let role { pairs.append(("role", .names(role))) }
        return Node(pairs)
    }
}

extension PolicyRequirements {
    /// The requirements as a mapping.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = []
        if let minimumOSVersion { pairs.append(("minimumOSVersion", .platformVersions(minimumOSVersion))) }
        if let maximumPatchAgeDays { pairs.append(("maximumPatchAgeDays", .number(maximumPatchAgeDays))) }
        if let passcodeRequired { pairs.append(("passcodeRequired", .flag(passcodeRequired))) }
        if let minimumPasscodeLength { pairs.append(("minimumPasscodeLength", .number(minimumPasscodeLength))) }
        if let storageEncryptionRequired { pairs.append(("storageEncryptionRequired", .flag(storageEncryptionRequired))) }
        if let jailbreakForbidden { pairs.append(("jailbreakForbidden", .flag(jailbreakForbidden))) }
        if let maximumScreenLockSeconds { pairs.append(("maximumScreenLockSeconds", .number(maximumScreenLockSeconds))) }
        if let minimumAgentVersion { pairs.append(("minimumAgentVersion", .version(minimumAgentVersion))) }
        if let approvedModels { pairs.append(("approvedModels", Node(approvedModels.map { Node.text($0) }))) }
        if let maximumDaysSinceCheckIn { pairs.append(("maximumDaysSinceCheckIn", .number(maximumDaysSinceCheckIn))) }
        return Node(pairs)
    }
}

extension EscalationStep {
    /// The step as a mapping.
    fileprivate var fileNode: Node {
        let pairs: [(Node, Node)] = [("afterMinutes", .number(afterMinutes)), ("action", Node(action.rawValue))]
        return Node(pairs)
    }
}

extension Node {
    /// Text, quoted when it would otherwise read as a number, a boolean or nothing.
    static func text(_ value: String) -> Node { .scalar(value.represented()) }

    /// A version, always quoted, so that `17.0` stays text and `17.10` is not read as 17.1.
    static func version(_ value: String) -> Node { Node(value, Tag(.str), .doubleQuoted) }

    /// A whole number.
    static func number(_ value: Int) -> Node { Node(String(value)) }

    /// `true` or `false`.
    static func flag(_ value: Bool) -> Node { Node(value ? "true" : "false") }

    /// A short list of names on one line, such as `[byod, shared]`.
    static func names(_ values: [some RawRepresentable<String>]) -> Node {
        Node(values.map { Node($0.rawValue) }, .implicit, .flow)
    }

    /// A mapping of platform names to versions, in `Platform.allCases` order.
    static func platformVersions(_ versions: [Platform: String]) -> Node {
        Node(Platform.allCases.compactMap { platform in versions[platform].map { (Node(platform.rawValue), .version($0)) } })
    }
}
