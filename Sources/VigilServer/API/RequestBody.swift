import Foundation
import Hummingbird
import VigilCore

/// A JSON request body whose fields the API knows by name, so that unknown fields are refused
/// instead of silently ignored (a misspelt field in a PATCH would otherwise change nothing).
protocol APIRequestBody: Decodable, Sendable {
    associatedtype CodingKeys: CodingKey, CaseIterable
}

extension Request {
    /// Reads and decodes the JSON body, enforcing the size limit.
    /// - Parameters:
    ///   - type: The body's type.
    ///   - limit: The most bytes accepted.
    /// - Returns: The decoded body.
    /// - Throws: ``Problem`` 400 naming the field at fault, 413 when too large, 415 when not JSON.
    func decodeBody<Body: APIRequestBody>(as type: Body.Type, limit: Int) async throws -> Body {
        try JSONBody.decode(type, from: try await collectJSONBody(limit: limit))
    }

    /// Reads the body's bytes, enforcing the size limit and the JSON media type.
    /// - Parameter limit: The most bytes accepted.
    /// - Throws: ``Problem`` 413 when too large, 415 when not JSON.
    func collectJSONBody(limit: Int) async throws -> Data {
        if let contentType = headers[.contentType]?.lowercased(),
            !contentType.hasPrefix("application/json"), !contentType.hasPrefix("application/merge-patch+json"),
            !contentType.hasPrefix("application/geo+json")
        {
            throw Problem.unsupportedMediaType()
        }
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.bodyTooLarge(limit: limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem.bodyTooLarge(limit: limit)
        }
        return Data(buffer.readableBytesView)
    }
}

/// Decoding of request bodies into ``Problem``s that name the field at fault.
enum JSONBody {
    static func decode<Body: APIRequestBody>(_ type: Body.Type, from data: Data) throws -> Body {
        try decode(type, from: data, knownFields: Set(Body.CodingKeys.allCases.map(\.stringValue)))
    }

    /// Decodes a body; with `knownFields`, fields outside it and `null` values are refused.
    /// Without, unknown fields are ignored (the agent protocol's rule, so that newer agents can
    /// talk to older servers).
    static func decode<Body: Decodable>(_ type: Body.Type, from data: Data, knownFields: Set<String>?) throws -> Body {
        guard !data.isEmpty else { throw Problem.invalidBody("The body is empty; send a JSON object.") }
        if let known = knownFields {
            guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
                throw Problem.invalidBody("The body is not valid JSON.")
            }
            guard let fields = object as? [String: Any] else {
                throw Problem.invalidBody("The body must be a JSON object.")
            }
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw Problem.invalidField(unknown, "is not a field of this request")
            }
            if let null = fields.keys.sorted().first(where: { fields[$0] is NSNull }) {
                throw Problem.invalidField(null, "must not be null; leave the field out instead")
            }
        }
        do {
            return try APIJSON.decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        } catch let error as ValidationError {
            throw Problem.invalidField(error.field, error.message)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .keyNotFound(let key, let context):
            return .invalidField(path(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return .invalidField(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return .invalidField(path(context.codingPath), "must be \(typeName(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .invalidBody("The body is not valid JSON.")
        case .dataCorrupted(let context):
            return .invalidField(path(context.codingPath), allowedValues(context.debugDescription))
        @unknown default:
            return .invalidBody("The body could not be read.")
        }
    }

    /// A coding path as `roles[1]` or `address.city`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "body" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") || String(describing: type).hasPrefix("Set")
                ? "an array" : "an object"
        }
    }

    /// Turns Foundation's "Cannot initialize Role from invalid String value x" into a message
    /// that lists the values allowed.
    static func allowedValues(_ debugDescription: String) -> String {
        for (name, values) in knownEnumerations where debugDescription.contains("initialize \(name) from") {
            return "must be one of: \(values.joined(separator: ", "))"
        }
        return debugDescription.hasPrefix("must") ? debugDescription : "has a value that is not allowed"
    }

    static let knownEnumerations: [(String, [String])] = [
        ("Role", Role.allCases.map(\.rawValue)),
        ("Affiliation", Affiliation.allCases.map(\.rawValue)),
        ("PersonStatus", PersonStatus.allCases.map(\.rawValue)),
        ("Ownership", Ownership.allCases.map(\.rawValue)),
        ("DeviceClass", DeviceClass.allCases.map(\.rawValue)),
        ("MedicalDeviceKind", MedicalDeviceKind.allCases.map(\.rawValue)),
        ("Platform", Platform.allCases.map(\.rawValue)),
        ("PasscodeLengthClass", PasscodeLengthClass.allCases.map(\.rawValue)),
        ("RetirementDisposition", RetirementDisposition.allCases.map(\.rawValue)),
    ]
}
