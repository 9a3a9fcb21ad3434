import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/enrollment-invitations`: one-time codes with which devices enroll.
struct InvitationsController {
    let store: any VigilStore
    let bodyLimit: Int
    /// Knows the server's address as devices reach it, for enrollment URLs.
    let devices: DeviceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/enrollment-invitations", .readDevices, handler: list),
            APIEndpoint(.post, "/enrollment-invitations", .writeDevices, audit: .invitationCreated, handler: create),
            APIEndpoint(.get, "/enrollment-invitations/{id}", .readDevices, handler: show),
            APIEndpoint(
                .delete, "/enrollment-invitations/{id}", .writeDevices, audit: .invitationRevoked, handler: revoke),
        ]
    }

    /// The body of `POST /enrollment-invitations`.
    struct CreateBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case personID, facilityID, ownership, deviceClass, medicalKind, note, expiresInHours
        }
        let personID: PersonID
        let facilityID: FacilityID?
        let ownership: Ownership
        let deviceClass: DeviceClass
        let medicalKind: MedicalDeviceKind?
        let note: String?
        /// Hours until the code expires, 1 to 720; 72 when absent.
        let expiresInHours: Int?
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["personID"])
        let personID = try query["personID"].map { text in
            guard let id = PersonID(validating: text) else { throw Problem.invalidQuery("personID", "is not a person ID") }
            return id
        }
        let now = Date()
        return try APIJSON.response(
            ListResponse(try await store.invitations(personID: personID, page)) { InvitationResource($0, now: now) })
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(EnrollmentInvitationID.self)
        guard let invitation = try await store.invitation(id: id) else {
            throw Problem.notFound("There is no invitation \(id).")
        }
        return try APIJSON.response(InvitationResource(invitation))
    }

    @Sendable func create(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decodeBody(as: CreateBody.self, limit: bodyLimit)
        guard PersonID(validating: body.personID.rawValue) != nil else {
            throw Problem.invalidField("personID", "is not a person ID")
        }
        if let facilityID = body.facilityID, FacilityID(validating: facilityID.rawValue) == nil {
            throw Problem.invalidField("facilityID", "is not a facility ID")
        }
        guard let person = try await store.person(id: body.personID) else {
            throw Problem.invalidField("personID", "names \(body.personID), which does not exist")
        }
        let now = Date().roundedToMilliseconds
        let (invitation, code) = try EnrollmentInvitation.issue(
            for: person, facilityID: body.facilityID, ownership: body.ownership, deviceClass: body.deviceClass,
            medicalKind: body.medicalKind, note: body.note, lifetimeHours: body.expiresInHours ?? 72,
            createdBy: identity.person.id, at: now)
        try await store.createInvitation(
            invitation, codeHash: code.hash,
            audit: context.auditEvent(
                .invitationCreated, target: .invitation(invitation.id),
                reason: "\(invitation.ownership.rawValue) \(invitation.deviceClass.rawValue) for \(person.id)", at: now))
        return try APIJSON.response(
            CreatedInvitationResource(
                invitation: InvitationResource(invitation, now: now), code: code.display,
                enrollmentURL: "\(devices.publicURL)/enroll?code=\(code.display)"),
            status: .created, location: "\(APIEndpoint.prefix)/enrollment-invitations/\(invitation.id)")
    }

    @Sendable func revoke(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(EnrollmentInvitationID.self)
        let now = Date().roundedToMilliseconds
        let invitation = try await store.updateInvitation(
            id: id, audit: context.auditEvent(.invitationRevoked, target: .invitation(id), at: now)
        ) { invitation in
            try invitation.revoke(at: now)
        }
        return try APIJSON.response(InvitationResource(invitation, now: now))
    }
}
