import Foundation
import VigilCore
import Yams

// Writing a policy file: the canonical text `vigil policy export` prints.

extension PolicyFile {
    /// The canonical text of the file: a comment, the format, then the policies in order, each
    /// with its keys in a fixed order and without those left out (`nil`, a priority of 0, an empty
    /// scope) or its version. Writing what ``parse(_:)`` returns gives the same policies back.
    /// - Returns: The YAML text.
    public func yaml() -> String {
        let header = "# Vigil policy file. Versions are kept by the server, so this file has none.\n"
            + "format: \(Self.format)\n"
        guard !policies.isEmpty else { return header + "policies: []\n" }
        // Each policy as a one-item list, so that a blank line can separate them.
        return header + "policies:\n" + policies.map { Self.emit(Node([$0.fileNode])) }.joined(separator: "\n")
    }

    /// Writes a node as block YAML, two spaces a level, without folding long lines.
    private static func emit(_ node: Node) -> String {
        // The emitter fails only on events out of order, which serializing a whole tree cannot give.
        try! Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
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
        if let gracePeriodMinutes { pairs.append(("gracePeriodMinutes", .number(gracePeriodMinutes))) }
        if let escalation { pairs.append(("escalation", Node(escalation.map(\.fileNode)))) }
        return Node(pairs)
    }
}

extension PolicyScope {
    /// The scope as a mapping of short lists, such as `ownership: [byod]`.
    fileprivate var fileNode: Node {
        func names(_ values: [some RawRepresentable<String>]) -> Node {
            Node(values.map { Node($0.rawValue) }, .implicit, .flow)
        }
        var pairs: [(Node, Node)] = []
        if let ownership { pairs.append(("ownership", names(ownership))) }
        if let deviceClass { pairs.append(("deviceClass", names(deviceClass))) }
        if let role { pairs.append(("role", names(role))) }
        return Node(pairs)
    }
}

extension PolicyRequirements {
    /// The requirements as a mapping, platforms in `Platform.allCases` order.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = []
        if let minimumOSVersion {
            let versions = Platform.allCases.compactMap { platform in
                minimumOSVersion[platform].map { (Node(platform.rawValue), Node.version($0)) }
            }
            pairs.append(("minimumOSVersion", Node(versions)))
        }
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
    fileprivate static func text(_ value: String) -> Node { .scalar(value.represented()) }

    /// A version, always quoted, so that `17.0` stays text and `17.10` is not read as 17.1.
    fileprivate static func version(_ value: String) -> Node { Node(value, Tag(.str), .doubleQuoted) }

    /// A whole number.
    fileprivate static func number(_ value: Int) -> Node { Node(String(value)) }

    /// `true` or `false`.
    fileprivate static func flag(_ value: Bool) -> Node { Node(value ? "true" : "false") }
}
