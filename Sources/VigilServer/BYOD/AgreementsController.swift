import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/agreements`: the BYOD documents (acceptable use, privacy and data ownership), their
/// versions, who accepted them and who has not yet (`docs/byod.md`, "Agreements").
struct AgreementsController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/agreements", .readPolicies, handler: list),
            APIEndpoint(.post, "/agreements", .writePolicies, audit: .agreementPublished, handler: publish),
            APIEndpoint(.get, "/agreements/{id}", .readPolicies, handler: show),
            APIEndpoint(.get, "/agreements/{id}/pending", .readPolicies, handler: pending),
            APIEndpoint(.get, "/agreements/{id}/acceptances", .readPolicies, handler: acceptances),
            APIEndpoint(.post, "/agreements/{id}/acceptances", .acceptAgreements, audit: .agreementAccepted, handler: accept),
            APIEndpoint(.get, "/me/agreements", .acceptAgreements, handler: mine),
        ]
    }

    /// The body of `POST /agreements`.
    struct PublishBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, kind, title, text, effectiveAt, graceDays, audience
        }
        let name: String
        let kind: AgreementKind
        let title: String
        let text: String
        let effectiveAt: Date?
        let graceDays: Int?
        let audience: AgreementAudience?

        var draft: AgreementDraft {
            AgreementDraft(
                name: name, kind: kind, title: title, text: text, effectiveAt: effectiveAt, graceDays: graceDays,
                audience: audience ?? AgreementAudience())
        }
    }

    /// The body of `POST /agreements/{id}/acceptances`.
    struct AcceptBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case sha256, deviceID }
        /// The hash of the text the person was shown.
        let sha256: String
        /// The device they accept on, if any; it must be theirs.
        let deviceID: DeviceID?
    }

    /// A published version and the fleet evaluation its publication started.
    struct Published: Encodable {
        let agreement: Agreement
        let evaluation: FleetEvaluationJob
    }

    /// Someone who has not accepted a version.
    struct PendingPerson: Encodable {
        let personID: PersonID
        let name: String
        /// Their personal devices in service.
        let devices: Int
        /// The version of the document they accepted last, if any.
        let acceptedVersion: Int?
        /// Until when their earlier acceptance still counts, if it does.
        let graceUntil: Date?
    }

    struct PendingList: Encodable {
        let agreementID: AgreementID
        let name: String
        let version: Int
        let items: [PendingPerson]
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let now = Date()
        let query = try QueryParameters(request)
        try query.allowOnly(["inForce"])
        let inForceOnly = try query.flag("inForce")
        let agreements = try await store.agreements()
        let shown = inForceOnly ? AgreementSet(agreements).inForce(at: now) : agreements
        return try APIJSON.response(["items": shown])
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(try await agreement(context))
    }

    @Sendable func publish(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let body = try await request.decodeBody(as: PublishBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let previous = try await store.agreements().last { $0.name == body.name }
        let agreement = try Agreement.publish(body.draft, previous: previous, at: now)
        try await store.publishAgreement(
            agreement,
            audit: context.auditEvent(
                .agreementPublished, target: AuditTarget(type: "agreement", id: agreement.id.rawValue),
                reason: "\(agreement.name) version \(agreement.version) sha256 \(agreement.sha256), effective "
                    + RFC3339.format(agreement.effectiveAt), at: now))
        // In force at once for check-ins, before the fleet evaluation gets to every device.
        try await compliance.policies.reload()
        let job = await compliance.evaluateFleet(trigger: "agreement published")
        return try APIJSON.response(
            Published(agreement: agreement, evaluation: job), status: .created,
            location: "\(APIEndpoint.prefix)/agreements/\(agreement.id)")
    }

    @Sendable func pending(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let agreement = try await agreement(context)
        let agreements = try await compliance.policies.evaluator().agreements
        let now = Date()
        let people = try await store.personalDeviceHolders().compactMap { holder -> PendingPerson? in
            guard holder.audienceIncludes(agreement) else { return nil }
            let graceUntil: Date?
            switch agreements.status(of: holder.accepted, for: agreement, at: now) {
            case .accepted: return nil
            case .inGracePeriod(let until): graceUntil = until
            case .missing: graceUntil = nil
            }
            return PendingPerson(
                personID: holder.personID, name: holder.name, devices: holder.devices,
                acceptedVersion: holder.accepted.versions[agreement.name], graceUntil: graceUntil)
        }
        return try APIJSON.response(
            PendingList(agreementID: agreement.id, name: agreement.name, version: agreement.version, items: people))
    }

    @Sendable func acceptances(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let agreement = try await agreement(context)
        let page = try QueryParameters(request).page()
        return try APIJSON.response(ListResponse(try await store.acceptances(agreementID: agreement.id, personID: nil, page)))
    }

    @Sendable func accept(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID(AgreementID.self)
        let body = try await request.decodeBody(as: AcceptBody.self, limit: bodyLimit)
        let personID = identity.person.id
        if let deviceID = body.deviceID {
            guard DeviceID(validating: deviceID.rawValue) != nil, let device = try await store.device(id: deviceID),
                device.personID == personID, device.retirement == nil
            else { throw Problem.invalidField("deviceID", "is not a device of yours in service") }
        }
        let now = Date().roundedToMilliseconds
        let accepted = try await AgreementDesk(store: store, compliance: compliance).accept(
            AgreementAcceptanceRequest(agreementID: id, sha256: body.sha256), personID: personID,
            deviceID: body.deviceID, actor: .person(identity),
            audit: { reason in
                context.auditEvent(
                    .agreementAccepted, target: AuditTarget(type: "agreement", id: id.rawValue), reason: reason, at: now)
            }, at: now)
        return try APIJSON.response(accepted.acceptance, status: accepted.isNew ? .created : .ok)
    }

    /// `GET /me/agreements`: what the caller must accept for their personal devices.
    @Sendable func mine(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        let person = try context.requireIdentity().person
        var accepted = AcceptedAgreements()
        var page = try PageRequest(limit: PageRequest.maximumLimit)
        while true {
            let found = try await store.acceptances(agreementID: nil, personID: person.id, page)
            for acceptance in found.items { accepted.insert(name: acceptance.name, version: acceptance.version) }
            guard let next = found.nextAfter else { break }
            page = try PageRequest(limit: page.limit, after: next)
        }
        let requirements = try await compliance.policies.evaluator().agreements.requirements(
            roles: person.roles, affiliation: person.affiliation, accepted: accepted, at: Date())
        return try APIJSON.response(AgreementsResponse(agreements: requirements.map(AgreementToAccept.init)))
    }

    /// The version named in the path.
    private func agreement(_ context: VigilRequestContext) async throws -> Agreement {
        let id = try context.pathID(AgreementID.self)
        guard let agreement = try await store.agreement(id: id) else { throw Problem.notFound("There is no agreement \(id).") }
        return agreement
    }
}

extension AgreementHolder {
    /// Whether a version's audience includes this person.
    func audienceIncludes(_ agreement: Agreement) -> Bool {
        agreement.audience.includes(roles: roles, affiliation: affiliation)
    }
}
