import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// Each device's compliance and access (`/api/v1/devices/{id}/compliance`, due actions, grant
/// revocation), grant verification for PHI services, the grant keys, and emergency accesses.
struct AccessController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/devices/{id}/compliance", .readPolicies, handler: deviceCompliance),
            APIEndpoint(
                .post, "/devices/{id}/grants/revoke", .writeAccess, audit: .grantsRevoked, handler: revokeGrants),
            APIEndpoint(.get, "/due-actions", .readPolicies, handler: dueActions),
            APIEndpoint(.post, "/access/verify", .verifyGrants, handler: verify),
            APIEndpoint(.get, "/access/keys", .readAccess, handler: keys),
            APIEndpoint(.post, "/access/keys", .writeAccess, audit: .grantKeyRotated, handler: rotateKey),
            APIEndpoint(.get, "/emergency-accesses", .readAccess, handler: emergencies),
            APIEndpoint(.get, "/emergency-accesses/{id}", .readAccess, handler: emergency),
            APIEndpoint(
                .post, "/emergency-accesses/{id}/review", .writeAccess, audit: .emergencyAccessReviewed,
                handler: review),
        ]
    }

    /// A device's compliance explained, and its access decision.
    struct ComplianceResource: Encodable {
        let deviceID: DeviceID
        let compliance: ComplianceReport
        let access: AccessResource
        /// When the recorded state was last written; `null` before the first evaluation.
        let evaluatedAt: Date?
    }

    /// An access decision as the API shows it.
    struct AccessResource: Encodable {
        let allowed: Bool
        let reasons: [AccessReason]
        let notes: [AccessReason]
        let since: Date?
        let grantsRevokedAt: Date?
    }

    struct VerifyBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case grant, app, patient }
        /// The grant, as the device presented it.
        let grant: String
        /// The bundle or package identifier of the app presenting it; judged as a PHI app when absent.
        let app: String?
        /// The patient whose records the service is about to reach, such as `Patient/123`.
        let patient: String?
    }

    struct ReasonBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case reason }
        let reason: String
    }

    struct ReviewBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case note }
        /// The reviewer's conclusion.
        let note: String
    }

    @Sendable func deviceCompliance(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(DeviceID.self)
        let now = Date().roundedToMilliseconds
        guard let subject = try await store.evaluationSubject(deviceID: id, at: now) else {
            throw Problem.notFound("There is no device \(id).")
        }
        let evaluator = try await compliance.policies.evaluator()
        let report = evaluator.evaluate(
            subject.device, roles: subject.roles, previous: subject.recorded?.compliance ?? .notEvaluated, at: now)
        let decision = evaluator.decision(for: subject, compliance: report.status.state, at: now)
        return try APIJSON.response(
            ComplianceResource(
                deviceID: id, compliance: report,
                access: AccessResource(
                    allowed: decision.allowed, reasons: decision.denialReasons, notes: decision.noteReasons,
                    since: subject.recorded?.decision == decision ? subject.recorded?.decisionChangedAt : nil,
                    grantsRevokedAt: subject.recorded?.grantsRevokedAt),
                evaluatedAt: subject.recorded?.evaluatedAt))
    }

    @Sendable func revokeGrants(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(DeviceID.self)
        let body = try await request.decodeBody(as: ReasonBody.self, limit: bodyLimit)
        let reason = try Validate.text(body.reason, field: "reason", maximumLength: 500)
        let now = Date().roundedToMilliseconds
        do {
            try await store.revokeGrants(
                deviceID: id, at: now,
                audit: context.auditEvent(.grantsRevoked, target: .device(id), reason: reason, at: now))
        } catch StoreError.notFound {
            throw Problem.notFound("Device \(id) does not exist or was never evaluated, so it holds no grants.")
        }
        return try APIJSON.response(["deviceID": id.rawValue, "grantsRevokedAt": RFC3339.format(now)])
    }

    @Sendable func dueActions(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["deviceID", "state"])
        if let cursor = page.after, Identifier<DueAction>(validating: cursor) == nil {
            throw Problem.invalidQuery("cursor", "is not a cursor returned by this route")
        }
        return try APIJSON.response(
            ListResponse(
                try await store.dueActions(
                    deviceID: try query.identifier("deviceID", as: DeviceID.self),
                    state: try query.value("state", as: DueActionState.self), page)))
    }

    @Sendable func verify(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: VerifyBody.self, limit: bodyLimit)
        guard body.grant.utf8.count <= JSONWebToken.maximumLength else {
            throw Problem.invalidField("grant", "must be at most \(JSONWebToken.maximumLength) bytes")
        }
        // An app the catalog does not know is judged as a PHI app, like a grant presented without one.
        var entry: CatalogApp?
        if let app = body.app { entry = try await store.catalogApp(id: try CatalogApp.validatedID(app, field: "app")) }
        let patient = try body.patient.map { try Validate.text($0, field: "patient", maximumLength: 128) }
        return try APIJSON.response(
            try await compliance.grants.verify(body.grant, app: AppSensitivity(catalogEntry: entry), patient: patient))
    }

    @Sendable func keys(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let records = try await store.grantKeys()
        return try APIJSON.response([
            "items": records.map { record in
                SigningKeyResource(id: record.publicKey.id, publicKey: record.publicKey.base64, createdAt: record.createdAt, retiredAt: record.retiredAt)
            }
        ])
    }

    /// A grant key as the API shows it.
    struct SigningKeyResource: Encodable {
        let id: String
        /// The raw Ed25519 public key, base64.
        let publicKey: String
        let createdAt: Date
        let retiredAt: Date?
    }

    @Sendable func rotateKey(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: ReasonBody.self, limit: bodyLimit)
        let reason = try Validate.text(body.reason, field: "reason", maximumLength: 500)
        let identity = try context.requireIdentity()
        let key = try await compliance.grantKeys.rotate(by: .person(identity), reason: reason)
        return try APIJSON.response(["id": key.publicKey.id], status: .created)
    }

    @Sendable func emergencies(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: ["unreviewed"])
        if let cursor = page.after, Identifier<EmergencyAccess>(validating: cursor) == nil {
            throw Problem.invalidQuery("cursor", "is not a cursor returned by this route")
        }
        return try APIJSON.response(
            ListResponse(try await store.emergencyAccesses(unreviewedOnly: try query.flag("unreviewed"), page)))
    }

    @Sendable func emergency(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(Identifier<EmergencyAccess>.self)
        guard let access = try await store.emergencyAccess(id: id) else {
            throw Problem.notFound("There is no emergency access \(id).")
        }
        return try APIJSON.response(access)
    }

    @Sendable func review(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try context.pathID(Identifier<EmergencyAccess>.self)
        let body = try await request.decodeBody(as: ReviewBody.self, limit: bodyLimit)
        let note = try Validate.text(body.note, field: "note", maximumLength: 2_000)
        let reviewer = try context.requireIdentity().person.id
        let now = Date().roundedToMilliseconds
        do {
            let access = try await store.updateEmergencyAccess(
                id: id,
                audit: context.auditEvent(
                    .emergencyAccessReviewed, target: AuditTarget(type: "emergency_access", id: id.rawValue), at: now)
            ) { access in
                guard access.reviewedAt == nil else {
                    throw ValidationError(field: "id", message: "was reviewed already")
                }
                guard access.personID != reviewer else {
                    throw ValidationError(field: "id", message: "was invoked by you; another officer must review it")
                }
                access.reviewedBy = reviewer
                access.reviewedAt = now
                access.reviewNote = note
            }
            return try APIJSON.response(access)
        } catch StoreError.notFound {
            throw Problem.notFound("There is no emergency access \(id).")
        }
    }
}
