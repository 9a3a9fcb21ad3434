import Foundation
import VigilCore
import VigilServer

/// The facility and fence routes that `vigil policy` reads and writes.
extension AdminClient {
    /// Every facility, page by page.
    func facilities() async throws -> [Facility] {
        struct Page: Decodable {
            let items: [Facility]
            let nextCursor: String?
        }
        var facilities: [Facility] = []
        var cursor: String?
        repeat {
            let query = "?limit=\(PageRequest.maximumLimit)" + (cursor.map { "&cursor=\(Self.queryValue($0))" } ?? "")
            let page: Page = try await call("GET", "/api/v1/facilities" + query, body: nil, expecting: 200)
            facilities += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return facilities
    }

    /// Every fence of the organization.
    func fences() async throws -> [PolicyFile.ServerFence] {
        let collection: GeoJSON.FeatureCollection = try await call("GET", "/api/v1/fences", body: nil, expecting: 200)
        return try collection.features.enumerated().map { index, feature in
            do {
                return try PolicyFile.ServerFence(feature: feature)
            } catch let error as ValidationError {
                throw CommandFailure("GET /api/v1/fences answered a fence the file cannot hold: features[\(index)].\(error.field) \(error.message)")
            }
        }
    }

    /// Creates a fence of a facility (`version` `nil`) or reshapes one still at `version`.
    /// - Returns: The fence as the server has it.
    func put(_ fence: PolicyFile.FenceEntry, of facility: FacilityID, replacing current: PolicyFile.ServerFence?)
        async throws -> PolicyFile.ServerFence
    {
        let body = try VigilJSON.makeEncoder().encode(fence.draft.shape.feature(properties: ["name": .string(fence.draft.name)]))
        // Identifiers are letters, digits and '_': they need no escaping in a path.
        let (method, path, status) =
            current.map { ("PUT", "/api/v1/fences/\($0.id)?version=\($0.version)", 200) }
            ?? ("POST", "/api/v1/facilities/\(facility)/fences", 201)
        let saved: GeoJSON.Feature = try await call(method, path, body: body, expecting: status)
        return try PolicyFile.ServerFence(feature: saved)
    }

    /// A query parameter's value, percent-encoded.
    private static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }
}
