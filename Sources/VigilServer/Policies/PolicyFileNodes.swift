import VigilCore
import Yams

// The YAML nodes of a policy file as the readers walk them: each with its path and line, so that
// every error names both.

/// A node of a policy file with the path and the line its errors name.
struct LocatedNode {
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
struct LocatedMapping {
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
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// What the node is, for errors: "a list", "text", "a whole number"…
    var kind: String {
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

extension LocatedNode {
    /// A value's validation error, at the field it names below this node.
    /// - Parameter validation: The error, its field relative to this node (or from the top of the
    ///   file when this node is the file).
    /// - Returns: The error with the line of that field, or of its nearest ancestor in the file.
    func error(for validation: ValidationError) -> PolicyFileError {
        PolicyFileError(line: line(at: validation.field), field: childPath(validation.field), message: validation.message)
    }

    /// A mapping of platform names to versions, such as `{ios: "17.0", android: "14"}`.
    func platformVersions() throws -> [Platform: String] {
        let versions = try mapping(keys: Platform.allCases.map(\.rawValue), noun: "a platform")
        var result: [Platform: String] = [:]
        for platform in Platform.allCases {
            result[platform] = try versions[platform.rawValue]?.text()
        }
        return result
    }

    /// The items of a list, each read by `read`, refusing more than `maximum` of them and two
    /// with the same value of `key`.
    /// - Parameters:
    ///   - maximum: The most items allowed.
    ///   - noun: What an item is, plural, for the error on too many.
    ///   - key: The key that names an item, for the error on a repeated one.
    ///   - identity: The value of `key` of an item read.
    ///   - read: Reads one item.
    func uniqueItems<Item>(
        maximum: Int = .max, noun: String, key: String, identity: (Item) -> String, _ read: (LocatedNode) throws -> Item
    ) throws -> [Item] {
        let items = try sequence()
        guard items.count <= maximum else { throw error("must list at most \(maximum) \(noun), not \(items.count)") }
        var indexByIdentity: [String: Int] = [:]
        var result: [Item] = []
        for item in items {
            let value = try read(item)
            if let first = indexByIdentity[identity(value)] {
                throw PolicyFileError(
                    line: item.line(at: key), field: item.childPath(key), message: "is already the \(key) of \(path)[\(first)]")
            }
            indexByIdentity[identity(value)] = result.count
            result.append(value)
        }
        return result
    }
}
