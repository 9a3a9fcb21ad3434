import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/people`: the directory of people, their roles, facilities and status.
struct PeopleController {
    let store: any VigilStore
    let bodyLimit: Int
    /// A change of roles or status changes the access of the person's devices at once.
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/people", .readPeople, handler: list),
            APIEndpoint(.post, "/people", .writePeople, audit: .personCreated, handler: create),
            APIEndpoint(.get, "/people/{id}", .readPeople, handler: show),
            APIEndpoint(.patch, "/people/{id}", .writePeople, audit: .personUpdated, handler: update),
        ]
    }

    /// The body of `POST /people`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, email, affiliation, roles, facilityIDs, status
        }
        let name: String
        let email: String
        let affiliation: Affiliation
        let roles: [Role]
        let facilityIDs: [FacilityID]?
        let status: PersonStatus?
    }

    /// The body of `PATCH /people/{id}`: the fields to change. The ID never changes.
    struct UpdateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, email, affiliation, roles, facilityIDs, status
        }
        let name: String?
        let email: String?
        let affiliation: Affiliation?
        let roles: [Role]?
        let facilityIDs: [FacilityID]?
        let status: PersonStatus?

        /// What the change does, for the audit trail: the fields changed, with the new roles
        /// and status (who granted a role or suspended someone matters to an auditor).
        var changeSummary: String {
            var parts: [String] = []
            if name != nil { parts.append("name") }
            if email != nil { parts.append("email") }
            if let affiliation { parts.append("affiliation=\(affiliation.rawValue)") }
            if let roles { parts.append("roles=\(Set(roles).sorted().map(\.rawValue).joined(separator: ","))") }
            if facilityIDs != nil { parts.append("facilityIDs") }
            if let status { parts.append("status=\(status.rawValue)") }
            return "changed " + (parts.isEmpty ? "nothing" : parts.joined(separator: "; "))
        }
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let page = try QueryParameters(request).page()
        return try APIJSON.response(ListResponse(try await store.people(page), PersonResource.init))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(PersonID.self)
        guard let person = try await store.person(id: id) else { throw Problem.notFound("There is no person \(id).") }
        return try APIJSON.response(PersonResource(person))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let person = Person(
            id: .generate(at: now), name: try Validate.text(body.name, field: "name", maximumLength: 200),
            email: try Validate.email(body.email), affiliation: body.affiliation, roles: try Validate.roles(Set(body.roles)),
            facilityIDs: try Validate.facilityIDs(body.facilityIDs ?? []), status: body.status ?? .active,
            createdAt: now, updatedAt: now)
        try await store.createPerson(
            person, audit: context.auditEvent(.personCreated, target: .person(person.id), at: now))
        return try APIJSON.response(
            PersonResource(person), status: .created, location: "\(APIEndpoint.prefix)/people/\(person.id)")
    }

    @Sendable func update(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(PersonID.self)
        let body = try await request.decodeBody(as: UpdateBody.self, limit: bodyLimit)
        let name = try body.name.map { try Validate.text($0, field: "name", maximumLength: 200) }
        let email = try body.email.map { try Validate.email($0) }
        let roles = try body.roles.map { try Validate.roles(Set($0)) }
        let facilityIDs = try body.facilityIDs.map { try Validate.facilityIDs($0) }
        let now = Date().roundedToMilliseconds
        let changed = try await store.updatePerson(
            id: id, audit: context.auditEvent(.personUpdated, target: .person(id), reason: body.changeSummary, at: now)
        ) { person in
            if let name { person.name = name }
            if let email { person.email = email }
            if let affiliation = body.affiliation { person.affiliation = affiliation }
            if let roles { person.roles = roles }
            if let facilityIDs { person.facilityIDs = facilityIDs }
            if let status = body.status { person.status = status }
            person.updatedAt = now
        }
        if body.roles != nil || body.status != nil {
            try await compliance.evaluator.evaluateDevices(of: id, actor: .person(try context.requireIdentity()), at: now)
        }
        return try APIJSON.response(PersonResource(changed))
    }
}
