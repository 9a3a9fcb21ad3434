import Foundation
import VigilCore
import Yams

// Reading a policy file: the YAML node tree walked with each node's path and line, so that every
// error names both.

extension PolicyFile {
    /// Reads a policy file, checking its structure, its keys and types, and every policy.
    /// - Parameter yaml: The file's text.
    /// - Returns: The file, with each policy ``SecurityPolicy/validated()`` and at version 1.
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
        let fields = try file.mapping(keys: ["format", "policies"])
        var policies: [SecurityPolicy] = []
        var indexByName: [String: Int] = [:]
        for item in try fields.required("policies").sequence() {
            let policy = try validated(SecurityPolicy(file: item), at: item)
            if let first = indexByName[policy.name] {
                throw PolicyFileError(
                    line: item.line(at: "name"), field: "\(item.path).name",
                    message: "is already the name of policies[\(first)]")
            }
            indexByName[policy.name] = policies.count
            policies.append(policy)
        }
        return PolicyFile(policies: policies)
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
            throw PolicyFileError(
                line: item.line(at: error.field), field: "\(item.path).\(error.field)", message: error.message)
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
            keys: ["name", "description", "priority", "scope", "requirements", "gracePeriodMinutes", "escalation"],
            refused: ["version": "is assigned by the server, which counts each policy's changes: remove it"])
        self.init(
            name: try fields.required("name").text(),
            description: try fields["description"]?.text(),
            priority: try fields["priority"]?.integer() ?? 0,
            scope: try fields["scope"].map(PolicyScope.init(file:)) ?? PolicyScope(),
            requirements: try fields["requirements"].map(PolicyRequirements.init(file:)) ?? PolicyRequirements(),
            gracePeriodMinutes: try fields["gracePeriodMinutes"]?.integer(),
            escalation: try fields["escalation"]?.sequence().map(EscalationStep.init(file:)))
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
        var minimumOSVersion: [Platform: String]?
        if let node = fields["minimumOSVersion"] {
            let versions = try node.mapping(keys: Platform.allCases.map(\.rawValue), noun: "a platform")
            minimumOSVersion = [:]
            for platform in Platform.allCases {
                minimumOSVersion?[platform] = try versions[platform.rawValue]?.text()
            }
        }
        self.init(
            minimumOSVersion: minimumOSVersion,
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

/// A node of a policy file with the path and the line its errors name.
private struct LocatedNode {
    /// The node.
    let node: Node
    /// Its path from the top of the file, such as `policies[1].scope`.
    let path: String
    /// Its line: that of its key when it has one, since a block mapping or list starts below it.
    let line: Int?

    init(_ node: Node, path: String, line: Int? = nil) {
        self.node = node
        self.path = path
        self.line = line ?? node.mark?.line
    }

    /// An error about this node.
    func error(_ message: String) -> PolicyFileError {
        PolicyFileError(line: line, field: path, message: message)
    }

    /// The path of a key below this node.
    func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The mapping's values, after refusing any key but `keys`.
    /// - Parameters:
    ///   - keys: The keys allowed, in the order to list them to people.
    ///   - noun: What a key names, for the error on an unknown one.
    ///   - refused: Keys refused with a message of their own.
    func mapping(
        keys: [String], noun: String = "a known key", refused: [String: String] = [:]
    ) throws -> LocatedMapping {
        guard case .mapping(let mapping) = node else {
            throw error("must be a mapping of keys to values, not \(node.kind)")
        }
        var values: [String: LocatedNode] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw LocatedNode(key, path: path).error("has a key that is not a name")
            }
            let located = LocatedNode(value, path: childPath(scalar.string), line: scalar.mark?.line)
            if let message = refused[scalar.string] { throw located.error(message) }
            guard keys.contains(scalar.string) else {
                throw located.error("is not \(noun); use one of \(keys.joined(separator: ", "))")
            }
            values[scalar.string] = located
        }
        return LocatedMapping(owner: self, values: values)
    }

    /// The list's items.
    func sequence() throws -> [LocatedNode] {
        guard case .sequence(let items) = node else { throw error("must be a list, not \(node.kind)") }
        return items.enumerated().map { LocatedNode($1, path: "\(path)[\($0)]") }
    }

    /// The text of a scalar, as written: `android: 14` reads as "14", not as a number.
    func text() throws -> String {
        guard case .scalar(let scalar) = node, node.tagName != .null else {
            throw error("must be text, not \(node.kind)")
        }
        return scalar.string
    }

    /// A whole number.
    func integer() throws -> Int {
        guard case .scalar(let scalar) = node, node.tagName == .int else {
            throw error("must be a whole number, not \(node.kind)")
        }
        guard let value = Int.construct(from: scalar) else { throw error("is too large") }
        return value
    }

    /// `true` or `false`.
    func boolean() throws -> Bool {
        guard case .scalar(let scalar) = node, node.tagName == .bool, let value = Bool.construct(from: scalar) else {
            throw error("must be true or false, not \(node.kind)")
        }
        return value
    }

    /// One of an enumeration's values, by name.
    /// - Parameters:
    ///   - type: The enumeration.
    ///   - noun: What a value is, for the error, such as "a role".
    func choice<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, noun: String) throws -> Value
    where Value.RawValue == String {
        let name = try text()
        guard let value = Value(rawValue: name) else {
            throw error("'\(name)' is not \(noun); use one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// The value of a key of this mapping, if it is one and has the key.
    func value(forKey key: String) -> LocatedNode? {
        guard case .mapping(let mapping) = node,
            let pair = mapping.first(where: { $0.key.scalar?.string == key })
        else { return nil }
        return LocatedNode(pair.value, path: childPath(key), line: pair.key.mark?.line)
    }

    /// The line of the node at a path below this one, such as `escalation[0].afterMinutes`, or
    /// of its nearest ancestor present in the file.
    func line(at relativePath: String) -> Int? {
        var current = self
        for part in relativePath.split(separator: ".") {
            var pieces = part.split(separator: "[", omittingEmptySubsequences: false)
            guard let next = current.value(forKey: String(pieces.removeFirst())) else { return current.line }
            current = next
            for piece in pieces {
                guard case .sequence(let items) = current.node, let index = Int(piece.dropLast()),
                    items.indices.contains(index)
                else { return current.line }
                current = LocatedNode(items[index], path: "\(current.path)[\(index)]")
            }
        }
        return current.line
    }
}

/// The values of a mapping whose keys have been checked.
private struct LocatedMapping {
    /// The mapping itself.
    let owner: LocatedNode
    /// Its values by key.
    let values: [String: LocatedNode]

    /// The value of a key, if present.
    subscript(key: String) -> LocatedNode? { values[key] }

    /// The value of a key that must be present.
    func required(_ key: String) throws -> LocatedNode {
        guard let value = values[key] else {
            throw PolicyFileError(line: owner.line, field: owner.childPath(key), message: "is required")
        }
        return value
    }
}

extension Node {
    /// The name of its tag, resolved: `.int` for `90`, `.str` for `"90"`.
    fileprivate var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// What the node is, for errors: "a list", "text", "a whole number"…
    fileprivate var kind: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .null: return "nothing"
            case .bool: return "true or false"
            case .int: return "a whole number"
            case .float: return "a decimal number"
            default: return "text"
            }
        }
    }
}
