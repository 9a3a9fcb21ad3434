import Foundation
import HTTPTypes
import Hummingbird
import VigilCore

/// The JSON conventions of the API: camelCase keys, RFC 3339 times with milliseconds.
enum APIJSON {
    static let encoder = VigilJSON.makeEncoder()
    static let decoder = VigilJSON.makeDecoder()

    /// A JSON response.
    /// - Parameters:
    ///   - value: The body.
    ///   - status: The status; 200 by default.
    ///   - location: A `Location` header, for created records.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws
        -> Response
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let location { headers[.location] = location }
        let data = try encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// One page of a list, as the API returns it.
struct ListResponse<Item: Encodable>: Encodable {
    let items: [Item]
    /// Pass as `cursor` to get the next page; `null` on the last page.
    let nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)  // null on the last page, not absent
    }

    init(_ page: Page<Item>) where Item: Sendable {
        self.items = page.items
        self.nextCursor = page.nextAfter.map(Cursor.encode)
    }

    init<Stored: Sendable>(_ page: Page<Stored>, _ transform: (Stored) -> Item) {
        self.items = page.items.map(transform)
        self.nextCursor = page.nextAfter.map(Cursor.encode)
    }
}

/// Opaque pagination cursors: the position of the last item, base64url-encoded.
enum Cursor {
    static func encode(_ position: String) -> String {
        Base64URL.encode(Array("v1:\(position)".utf8))
    }

    /// Decodes a cursor from the `cursor` query parameter.
    /// - Throws: ``Problem`` 400 for a cursor Vigil did not make.
    static func decode(_ cursor: String) throws -> String {
        guard cursor.count <= 200, let data = Base64URL.decode(cursor),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("v1:"),
            !Validate.containsControlCharacters(text)
        else { throw Problem.invalidQuery("cursor", "is not a cursor returned by this API") }
        return String(text.dropFirst(3))
    }
}
