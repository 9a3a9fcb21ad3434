import Foundation
import VigilCore
import Yams

// Reading a policy file: the YAML node tree walked with each node's path and line, so that every
// error names both.

extension PolicyFile {
    /// Reads a policy file, checking its structure, its keys and types, and every value.
    /// - Parameter yaml: The file's text.
    /// - Returns: The file, with each policy ``SecurityPolicy/validated()`` and at version 1, and
    ///   each other section checked by its core type's own rules (see ``agreements``, ``apps``,
    ///   ``fences(file:)``).
    /// - Throws: ``PolicyFileError`` naming the line and the field of the first fault.
    public static func parse(_ yaml: String) throws -> PolicyFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw PolicyFileError(yamlError: error, in: yaml)
        }
        guard let root else {
            throw PolicyFileError(line: nil, field: "format", message: "is required: the file is empty")
        }
        let file = LocatedNode(root, path: "")
        try checkFormat(of: file)
        let fields = try file.mapping(
            keys: ["format", "policies", "agreements", "approvalRules", "collection", "apps", "fences"])
        let policies = try fields.required("policies").uniqueItems(noun: "policies", key: "name", identity: \.name) {
            try validated(SecurityPolicy(file: $0), at: $0)
        }
        return PolicyFile(
            policies: policies, agreements: try fields["agreements"].map(agreements(file:)),
            approvalRules: try fields["approvalRules"].map { try ApprovalRuleSets(file: $0, root: file) },
            collection: try fields["collection"].map(CollectionMatrix.init(file:)),
            apps: try fields["apps"].map(apps(file:)), fences: try fields["fences"].map(fences(file:)))
    }

    /// The line of a field of a file, for an error found after reading it (such as by
    /// ``BYODChanges``, which names fields only).
    /// - Parameters:
    ///   - field: The field's path, such as `agreements[1].kind`.
    ///   - yaml: The file's text.
    /// - Returns: The line of the field, or of its nearest ancestor in the file; `nil` when the
    ///   text is not YAML.
    public static func line(of field: String, in yaml: String) -> Int? {
        guard let root = try? Yams.compose(yaml: yaml) else { return nil }
        return LocatedNode(root, path: "").line(at: field)
    }

    /// Checks the `format` key before any other, so that a file of another format is refused as
    /// such rather than for keys this Vigil does not know.
    private static func checkFormat(of file: LocatedNode) throws {
        guard case .mapping = file.node else {
            throw file.error("must be a mapping with format and policies, not \(file.node.kind)")
        }
        guard let format = file.value(forKey: "format") else {
            throw PolicyFileError(
                line: file.line, field: "format", message: "is required: start the file with format: \(Self.format)")
        }
        let name = try format.text()
        guard name == Self.format else { throw format.error("must be \(Self.format), not '\(name)'") }
    }

    /// Validates a policy read from `item`, naming the line of the field at fault.
    private static func validated(_ policy: SecurityPolicy, at item: LocatedNode) throws -> SecurityPolicy {
        do {
            return try policy.validated()
        } catch let error as ValidationError {
            throw item.error(for: error)
        }
    }
}

extension PolicyFileError {
    /// Describes a YAML syntax error from Yams, at the line it names.
    fileprivate init(yamlError error: any Error, in yaml: String) {
        switch error as? YamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            self.init(line: mark.line, field: "", message: "not valid YAML: \(problem)\(during)")
        case let .reader(problem, offset, _, _):
            let line = offset.map { offset in yaml.prefix(offset).count(where: \.isNewline) + 1 }
            self.init(line: line, field: "", message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            self.init(
                line: context.mark.line, field: "", message: "not valid YAML: \(keys) appears more than once in one mapping")
        default:
            self.init(line: nil, field: "", message: "not valid YAML: \(error)")
        }
    }
}

extension SecurityPolicy {
    /// Reads a policy's keys and types from its mapping; ``validated()`` checks the values.
    fileprivate init(file item: LocatedNode) throws {
        let fields = try item.mapping(
            keys: [
                "name", "description", "priority", "scope", "requirements", "conditions", "gracePeriodMinutes", "escalation",
            ],
            refused: ["version": "is assigned by the server, which counts each policy's changes: remove it"])
        self.init(
            name: try fields.required("name").text(),
            description: try fields["description"]?.text(),
            priority: try fields["priority"]?.integer() ?? 0,
            scope: try fields["scope"].map(PolicyScope.init(file:)) ?? PolicyScope(),
            requirements: try fields["requirements"].map(PolicyRequirements.init(file:)) ?? PolicyRequirements(),
            gracePeriodMinutes: try fields["gracePeriodMinutes"]?.integer(),
            escalation: try fields["escalation"]?.sequence().map(EscalationStep.init(file:)),
            conditions: try fields["conditions"].map(AccessConditions.init(file:)))
    }
}

extension PolicyScope {
    /// Reads a scope: lists of ownerships, device classes and roles.
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: ["ownership", "deviceClass", "role"])
        self.init(
            ownership: try fields["ownership"]?.sequence().map { try $0.choice(Ownership.self, noun: "an ownership") },
            deviceClass: try fields["deviceClass"]?.sequence().map {
                try $0.choice(DeviceClass.self, noun: "a device class")
            },
            role: try fields["role"]?.sequence().map { try $0.choice(Role.self, noun: "a role") })
    }
}

extension PolicyRequirements {
    /// Reads requirements; `minimumOSVersion` is a mapping keyed by platform name.
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: [
            "minimumOSVersion", "maximumPatchAgeDays", "passcodeRequired", "minimumPasscodeLength",
            "storageEncryptionRequired", "jailbreakForbidden", "maximumScreenLockSeconds", "minimumAgentVersion",
            "approvedModels", "maximumDaysSinceCheckIn",
        ])
        self.init(
            minimumOSVersion: try fields["minimumOSVersion"]?.platformVersions(),
            maximumPatchAgeDays: try fields["maximumPatchAgeDays"]?.integer(),
            passcodeRequired: try fields["passcodeRequired"]?.boolean(),
            minimumPasscodeLength: try fields["minimumPasscodeLength"]?.integer(),
            storageEncryptionRequired: try fields["storageEncryptionRequired"]?.boolean(),
            jailbreakForbidden: try fields["jailbreakForbidden"]?.boolean(),
            maximumScreenLockSeconds: try fields["maximumScreenLockSeconds"]?.integer(),
            minimumAgentVersion: try fields["minimumAgentVersion"]?.text(),
            approvedModels: try fields["approvedModels"]?.sequence().map { try $0.text() },
            maximumDaysSinceCheckIn: try fields["maximumDaysSinceCheckIn"]?.integer())
    }
}

extension EscalationStep {
    /// Reads a step: `afterMinutes` and `action`, both required.
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: ["afterMinutes", "action"])
        self.init(
            afterMinutes: try fields.required("afterMinutes").integer(),
            action: try fields.required("action").choice(EscalationAction.self, noun: "an escalation action"))
    }
}
