import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/people`: the directory of people, their roles, facilities and status.
struct PeopleController {
    let store: any VigilStore
    let bodyLimit: Int

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/people", .readPeople, handler: list),
            APIEndpoint(.post, "/people", .writePeople, handler: create),
            APIEndpoint(.get, "/people/{id}", .readPeople, handler: show),
            APIEndpoint(.patch, "/people/{id}", .writePeople, handler: update),
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
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let page = try QueryParameters(request).page()
        return try APIJSON.response(ListResponse(try await store.people(page), PersonResource.init))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = PersonID(rawValue: try context.parameters.require("id"))
        guard let person = try await store.person(id: id) else { throw Problem.notFound("There is no person \(id).") }
        return try APIJSON.response(PersonResource(person))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        let now = Date().truncatedToMilliseconds
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
        let id = PersonID(rawValue: try context.parameters.require("id"))
        let body = try await request.decodeBody(as: UpdateBody.self, limit: bodyLimit)
        let name = try body.name.map { try Validate.text($0, field: "name", maximumLength: 200) }
        let email = try body.email.map { try Validate.email($0) }
        let roles = try body.roles.map { try Validate.roles(Set($0)) }
        let facilityIDs = try body.facilityIDs.map { try Validate.facilityIDs($0) }
        let now = Date().truncatedToMilliseconds
        let changed = try await store.updatePerson(
            id: id, audit: context.auditEvent(.personUpdated, target: .person(id), at: now)
        ) { person in
            if let name { person.name = name }
            if let email { person.email = email }
            if let affiliation = body.affiliation { person.affiliation = affiliation }
            if let roles { person.roles = roles }
            if let facilityIDs { person.facilityIDs = facilityIDs }
            if let status = body.status { person.status = status }
            person.updatedAt = now
        }
        return try APIJSON.response(PersonResource(changed))
    }
}

extension AuditTarget {
    /// A person as the target of an audited action.
    static func person(_ id: PersonID) -> AuditTarget { AuditTarget(type: "person", id: id.rawValue) }
    /// A facility as the target of an audited action.
    static func facility(_ id: FacilityID) -> AuditTarget { AuditTarget(type: "facility", id: id.rawValue) }
    /// An API token as the target of an audited action.
    static func token(_ id: APITokenID) -> AuditTarget { AuditTarget(type: "token", id: id.rawValue) }
}
