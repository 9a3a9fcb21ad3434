import Foundation
import Hummingbird
import VigilCore

/// The query parameters of a request, read with the checks every list route shares.
struct QueryParameters {
    let values: [String: String]

    /// Reads the query.
    /// - Throws: ``Problem`` 400 when a parameter is repeated or longer than 200 characters.
    init(_ request: Request) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard values[name] == nil else { throw Problem.invalidQuery(name, "must be given once") }
            guard value.count <= 200 else { throw Problem.invalidQuery(name, "must be at most 200 characters") }
            guard !Validate.containsControlCharacters(value) else {
                throw Problem.invalidQuery(name, "must not contain control characters")
            }
            values[name] = String(value)
        }
        self.values = values
    }

    /// Refuses parameters the route does not know.
    func allowOnly(_ names: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !names.contains($0) }) {
            throw Problem.invalidQuery(unknown, "is not a parameter of this route")
        }
    }

    /// The page asked for with `limit` and `cursor`, refusing any parameter but those and `others`.
    func page(alsoAllowing others: Set<String> = []) throws -> PageRequest {
        try allowOnly(others.union(["limit", "cursor"]))
        var limit = PageRequest.defaultLimit
        if let text = values["limit"] {
            guard let value = Int(text) else { throw Problem.invalidQuery("limit", "must be an integer") }
            limit = value
        }
        do {
            return try PageRequest(limit: limit, after: try values["cursor"].map(Cursor.decode))
        } catch let error as ValidationError {
            throw Problem.invalidQuery(error.field, error.message)
        }
    }

    /// An RFC 3339 time parameter.
    func time(_ name: String) throws -> Date? {
        guard let text = values[name] else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw Problem.invalidQuery(name, "must be an RFC 3339 time such as 2026-11-29T06:30:00Z")
        }
        return date
    }

    /// A parameter that must be a whole number from 1.
    func count(_ name: String) throws -> Int64? {
        guard let text = values[name] else { return nil }
        guard let value = Int64(text), value >= 1 else { throw Problem.invalidQuery(name, "must be a whole number from 1") }
        return value
    }

    /// A parameter that is `true` or `false`; `false` when absent.
    func flag(_ name: String) throws -> Bool {
        switch values[name] {
        case nil, "false"?: return false
        case "true"?: return true
        default: throw Problem.invalidQuery(name, "must be true or false")
        }
    }

    /// A parameter that must be one of an enumeration's values.
    func value<Value: RawRepresentable & CaseIterable>(_ name: String, as _: Value.Type) throws -> Value?
    where Value.RawValue == String {
        guard let text = values[name] else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem.invalidQuery(name, "must be one of: \(allowed)")
        }
        return value
    }

    /// A parameter that must be an identifier of `Entity`.
    func identifier<Entity>(_ name: String, as _: Identifier<Entity>.Type) throws -> Identifier<Entity>? {
        guard let text = values[name] else { return nil }
        guard let id = Identifier<Entity>(validating: text) else {
            throw Problem.invalidQuery(name, "is not a \(String(describing: Entity.self).lowercased()) ID")
        }
        return id
    }

    subscript(name: String) -> String? { values[name] }
}
