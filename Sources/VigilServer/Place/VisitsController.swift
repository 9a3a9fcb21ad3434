import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/visits`: home-care visits (`docs/geofencing.md`, "Home visits"). A visit names a
/// patient and their home, both PHI: the audit trail records the nurse and the times only.
/// Scheduling, cancelling a visit evaluates the nurse's devices at once.
struct VisitsController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/visits", .readSchedules, handler: list),
            APIEndpoint(.post, "/visits", .writeSchedules, audit: .visitCreated, handler: create),
            APIEndpoint(.get, "/visits/{id}", .readSchedules, handler: show),
            APIEndpoint(.post, "/visits/{id}/cancel", .writeSchedules, audit: .visitCancelled, handler: cancel),
        ]
    }

    /// The body of `POST /visits`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case personID, patient, place, startsAt, endsAt }
        let personID: PersonID
        let patient: String
        /// A GeoJSON Feature: a Point with a `radius` property in meters, or a Polygon.
        let place: GeoJSON.Feature
        let startsAt: Date
        let endsAt: Date
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["personID"])
        return try APIJSON.response(
            ListResponse(try await store.visits(personID: try query.identifier("personID", as: PersonID.self), page)))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let visit = try VisitDraft(
            personID: body.personID, patient: body.patient, place: body.place, startsAt: body.startsAt, endsAt: body.endsAt
        ).visit(at: now)
        let reason = "\(visit.personID), \(RFC3339.format(visit.startsAt)) to \(RFC3339.format(visit.endsAt))"
        try await store.createVisit(visit, audit: context.auditEvent(.visitCreated, target: .visit(visit.id), reason: reason, at: now))
        try await compliance.evaluator.evaluateDevices(of: visit.personID, actor: .person(try context.requireIdentity()), at: now)
        return try APIJSON.response(visit, status: .created, location: "\(APIEndpoint.prefix)/visits/\(visit.id)")
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(VisitID.self)
        guard let visit = try await store.visit(id: id) else { throw Problem.notFound("There is no visit \(id).") }
        return try APIJSON.response(visit)
    }

    @Sendable func cancel(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(VisitID.self)
        let now = Date().roundedToMilliseconds
        let visit = try await store.cancelVisit(id: id, at: now, audit: context.auditEvent(.visitCancelled, target: .visit(id), at: now))
        try await compliance.evaluator.evaluateDevices(of: visit.personID, actor: .person(try context.requireIdentity()), at: now)
        return try APIJSON.response(visit)
    }
}
