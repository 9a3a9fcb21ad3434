import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `GET /agent/v1/agreements`: the BYOD documents the device's person must accept, with their
    /// texts and where the person stands. Empty for hospital-owned devices.
    @Sendable func listAgreements(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, _) = try await authenticate(request, context)
        let now = Date().roundedToMilliseconds
        let subject = try await activeSubject(deviceID, at: now)
        let agreements =
            subject.device.ownership.isHospitalOwned
            ? [] : try await AgreementDesk(store: store, compliance: compliance).requirements(of: subject, at: now)
        return try APIJSON.response(AgreementsResponse(agreements: agreements))
    }

    /// `POST /agent/v1/agreements/accept`: the device's person accepts a document on this device.
    /// The device is evaluated again, and the answer carries its access now, with a grant when allowed.
    @Sendable func acceptAgreement(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let body = try JSONBody.decode(AgreementAcceptanceRequest.self, from: data, knownFields: nil)
        let now = Date().roundedToMilliseconds
        let subject = try await activeSubject(deviceID, at: now)
        let accepted = try await AgreementDesk(store: store, compliance: compliance).accept(
            body, personID: subject.device.personID, deviceID: deviceID, actor: .device(deviceID),
            audit: { reason in
                context.auditEvent(
                    .agreementAccepted, target: AuditTarget(type: "agreement", id: body.agreementID.rawValue),
                    reason: reason, at: now, actor: .device(deviceID))
            }, at: now)
        let acceptance = accepted.acceptance
        // A new acceptance evaluated every device of the person, this one included; a repeated
        // one changed nothing, and this device is evaluated for its answer alone.
        var outcome = accepted.evaluated.first { $0.subject.device.id == deviceID }
        if outcome == nil { outcome = try await compliance.evaluator.evaluate(deviceID, actor: .device(deviceID), at: now) }
        guard let (evaluated, state) = outcome else { throw AgentProblem.retired }
        return try APIJSON.response(
            AgreementAcceptanceResponse(
                acceptanceID: acceptance.id.rawValue, acceptedAt: acceptance.acceptedAt, access: AccessStatus(state.decision),
                grant: try await compliance.grants.grant(for: evaluated, state: state, at: now)))
    }

    /// The device with what evaluating it needs, if it is in service.
    func activeSubject(_ deviceID: DeviceID, at now: Date) async throws -> EvaluationSubject {
        guard let subject = try await store.evaluationSubject(deviceID: deviceID, at: now),
            subject.device.retirement == nil
        else {
            sessions.endSessions(of: deviceID)
            throw AgentProblem.retired
        }
        return subject
    }
}
