import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/facilities`: hospitals, clinics and other sites.
struct FacilitiesController {
    let store: any VigilStore
    let bodyLimit: Int

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/facilities", .readFacilities, handler: list),
            APIEndpoint(.post, "/facilities", .writeFacilities, audit: .facilityCreated, handler: create),
            APIEndpoint(.get, "/facilities/{id}", .readFacilities, handler: show),
            APIEndpoint(.patch, "/facilities/{id}", .writeFacilities, audit: .facilityUpdated, handler: update),
        ]
    }

    /// The body of `POST /facilities`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, address, timeZone }
        let name: String
        let address: String
        let timeZone: String
    }

    /// The body of `PATCH /facilities/{id}`: the fields to change.
    struct UpdateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case name, address, timeZone }
        let name: String?
        let address: String?
        let timeZone: String?
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let page = try QueryParameters(request).page()
        return try APIJSON.response(ListResponse(try await store.facilities(page)))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(FacilityID.self)
        guard let facility = try await store.facility(id: id) else {
            throw Problem.notFound("There is no facility \(id).")
        }
        return try APIJSON.response(facility)
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let facility = Facility(
            id: .generate(at: now), name: try Validate.text(body.name, field: "name", maximumLength: 200),
            address: try Validate.text(body.address, field: "address", maximumLength: 500),
            timeZone: try Validate.timeZone(body.timeZone), createdAt: now, updatedAt: now)
        try await store.createFacility(
            facility, audit: context.auditEvent(.facilityCreated, target: .facility(facility.id), at: now))
        return try APIJSON.response(
            facility, status: .created, location: "\(APIEndpoint.prefix)/facilities/\(facility.id)")
    }

    @Sendable func update(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(FacilityID.self)
        let body = try await request.decodeBody(as: UpdateBody.self, limit: bodyLimit)
        let name = try body.name.map { try Validate.text($0, field: "name", maximumLength: 200) }
        let address = try body.address.map { try Validate.text($0, field: "address", maximumLength: 500) }
        let timeZone = try body.timeZone.map { try Validate.timeZone($0) }
        let now = Date().roundedToMilliseconds
        let changed = try await store.updateFacility(
            id: id, audit: context.auditEvent(.facilityUpdated, target: .facility(id), at: now)
        ) { facility in
            if let name { facility.name = name }
            if let address { facility.address = address }
            if let timeZone { facility.timeZone = timeZone }
            facility.updatedAt = now
        }
        return try APIJSON.response(changed)
    }
}
