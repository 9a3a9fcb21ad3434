import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/shifts`: the shifts the access decision's shift input reads (`docs/geofencing.md`,
/// "Shifts"). Recording or removing a shift evaluates its person's devices at once.
struct ShiftsController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/shifts", .readSchedules, handler: list),
            APIEndpoint(.post, "/shifts", .writeSchedules, audit: .shiftCreated, handler: create),
            APIEndpoint(.get, "/shifts/{id}", .readSchedules, handler: show),
            APIEndpoint(.delete, "/shifts/{id}", .writeSchedules, audit: .shiftRemoved, handler: remove),
        ]
    }

    /// The body of `POST /shifts`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case personID, facilityID, unit, startsAt, endsAt, graceBeforeMinutes, graceAfterMinutes
        }
        let personID: PersonID
        let facilityID: FacilityID
        let unit: String?
        let startsAt: Date
        let endsAt: Date
        let graceBeforeMinutes: Int?
        let graceAfterMinutes: Int?
    }

    /// `GET /shifts?personID=&from=&through=`: in start order; `from` and `through` keep the
    /// shifts that overlap the window.
    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["personID", "from", "through"])
        let shifts = try await store.shifts(
            personID: try query.identifier("personID", as: PersonID.self), from: try query.time("from"),
            through: try query.time("through"), page)
        return try APIJSON.response(ListResponse(shifts))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let shift = try ShiftDraft(
            personID: body.personID, facilityID: body.facilityID, unit: body.unit, startsAt: body.startsAt,
            endsAt: body.endsAt, graceBeforeMinutes: body.graceBeforeMinutes, graceAfterMinutes: body.graceAfterMinutes
        ).shift(at: now)
        try await store.createShift(
            shift, audit: context.auditEvent(.shiftCreated, target: .shift(shift.id), reason: Self.summary(shift), at: now))
        try await compliance.evaluator.evaluateDevices(of: shift.personID, actor: .person(try context.requireIdentity()), at: now)
        return try APIJSON.response(shift, status: .created, location: "\(APIEndpoint.prefix)/shifts/\(shift.id)")
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(ShiftID.self)
        guard let shift = try await store.shift(id: id) else { throw Problem.notFound("There is no shift \(id).") }
        return try APIJSON.response(shift)
    }

    @Sendable func remove(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let id = try context.pathID(ShiftID.self)
        let now = Date().roundedToMilliseconds
        let shift = try await store.deleteShift(id: id, audit: context.auditEvent(.shiftRemoved, target: .shift(id), at: now))
        try await compliance.evaluator.evaluateDevices(of: shift.personID, actor: .person(try context.requireIdentity()), at: now)
        return Response(status: .noContent)
    }

    /// The audit reason of a new shift: whose, where, when.
    static func summary(_ shift: Shift) -> String {
        "\(shift.personID) at \(shift.facilityID), \(RFC3339.format(shift.startsAt)) to \(RFC3339.format(shift.endsAt))"
    }
}
