import Foundation
import HTTPTypes
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/fences` and `/api/v1/facilities/{id}/fences`: facility fences, in and out as GeoJSON
/// (RFC 7946) Features (`docs/geofencing.md`, "Fences").
struct FencesController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/fences", .readFacilities, handler: list),
            APIEndpoint(.get, "/facilities/{id}/fences", .readFacilities, handler: listOfFacility),
            APIEndpoint(.post, "/facilities/{id}/fences", .writeFacilities, audit: .fenceCreated, handler: create),
            APIEndpoint(.get, "/fences/{id}", .readFacilities, handler: show),
            APIEndpoint(.put, "/fences/{id}", .writeFacilities, audit: .fenceUpdated, handler: replace),
            APIEndpoint(.delete, "/fences/{id}", .writeFacilities, audit: .fenceRemoved, handler: remove),
        ]
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try Self.geoJSON(GeoJSON.FeatureCollection(features: try await store.fences(facilityID: nil).map(\.feature)))
    }

    @Sendable func listOfFacility(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let facility = try await existingFacility(context)
        return try Self.geoJSON(GeoJSON.FeatureCollection(features: try await store.fences(facilityID: facility).map(\.feature)))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let facility = try await existingFacility(context)
        let draft = try FenceDraft(feature: try await feature(of: request))
        let now = Date().roundedToMilliseconds
        let fence = draft.fence(of: facility, at: now)
        try await store.createFence(
            fence,
            audit: context.auditEvent(
                .fenceCreated, target: .fence(fence.id), reason: "\(fence.shape.summary) for \(facility)", at: now))
        try await fencesChanged()
        return try Self.geoJSON(fence.feature, status: .created, location: "\(APIEndpoint.prefix)/fences/\(fence.id)")
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(FenceID.self)
        guard let fence = try await store.fence(id: id) else { throw Problem.notFound("There is no fence \(id).") }
        return try Self.geoJSON(fence.feature)
    }

    /// `PUT /fences/{id}?version=N`: replaces the fence's name and shape with the Feature's.
    @Sendable func replace(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(FenceID.self)
        let version = try Self.version(request)
        let draft = try FenceDraft(feature: try await feature(of: request))
        let now = Date().roundedToMilliseconds
        let fence = try await store.updateFence(
            id: id, version: version,
            audit: context.auditEvent(
                .fenceUpdated, target: .fence(id), reason: "version \(version) → \(version + 1); \(draft.shape.summary)", at: now)
        ) { fence in
            fence.name = draft.name
            fence.shape = draft.shape
            fence.updatedAt = now
        }
        try await fencesChanged()
        return try Self.geoJSON(fence.feature)
    }

    @Sendable func remove(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(FenceID.self)
        try QueryParameters(request).allowOnly([])
        try await store.deleteFence(id: id, audit: context.auditEvent(.fenceRemoved, target: .fence(id)))
        try await fencesChanged()
        return Response(status: .noContent)
    }

    /// Reads the fences again: a fix is judged when it arrives, so each device's next fix is
    /// judged against the new fences (other replicas read them within a minute).
    private func fencesChanged() async throws {
        try await compliance.places.fences.reload()
    }

    private func existingFacility(_ context: VigilRequestContext) async throws -> FacilityID {
        let id = try context.pathID(FacilityID.self)
        guard try await store.facility(id: id) != nil else { throw Problem.notFound("There is no facility \(id).") }
        return id
    }

    /// The request's GeoJSON Feature.
    private func feature(of request: Request) async throws -> GeoJSON.Feature {
        try JSONBody.decode(GeoJSON.Feature.self, from: try await request.collectJSONBody(limit: bodyLimit), knownFields: nil)
    }

    /// The `version` query parameter a change names: the version the author read.
    private static func version(_ request: Request) throws -> Int {
        let query = try QueryParameters(request)
        try query.allowOnly(["version"])
        guard let version = try query.count("version") else {
            throw Problem.invalidQuery("version", "is required: the version of the fence as read")
        }
        return Int(version)
    }

    /// A GeoJSON response (`application/geo+json`, RFC 7946 §12).
    static func geoJSON(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Response {
        var response = try APIJSON.response(value, status: status, location: location)
        response.headers[.contentType] = "application/geo+json"
        return response
    }
}

extension FenceShape {
    /// A short description for the audit trail, without coordinates, such as `polygon of 64 vertices`.
    var summary: String {
        switch self {
        case .circle(_, let radius): "circle of \(Int(radius.rounded())) m"
        case .polygons(let parts):
            (parts.count == 1 ? "polygon" : "\(parts.count) polygons") + " of \(parts.reduce(0) { $0 + $1.exterior.count + $1.holes.reduce(0) { $0 + $1.count } }) vertices"
        }
    }
}
