import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `POST /agent/v1/grant`: the device asks for a fresh access grant between check-ins. The
    /// device is evaluated again first, so a grant never outlives a change of its decision.
    @Sendable func renewGrant(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, _) = try await authenticate(request, context)
        let now = Date().roundedToMilliseconds
        guard let (subject, state) = try await compliance.evaluator.evaluate(deviceID, actor: .device(deviceID), at: now),
            subject.device.retirement == nil
        else {
            sessions.endSessions(of: deviceID)
            throw AgentProblem.retired
        }
        return try APIJSON.response(
            GrantResponse(
                access: AccessStatus(state.decision),
                grant: try await compliance.grants.grant(for: subject, state: state, at: now)))
    }

    /// `POST /agent/v1/emergency`: a clinician invokes emergency access on the device. It is
    /// recorded with their reason for security officers to review, the device is evaluated with
    /// it, and an emergency grant is returned when nothing absolute (lost, stolen, retired,
    /// denied, suspended, pending approval) still denies access. One at a time per device: a
    /// second while one is active is refused (409).
    @Sendable func invokeEmergency(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let body = try JSONBody.decode(EmergencyRequest.self, from: data, knownFields: nil)
        let now = Date().roundedToMilliseconds
        let device = try await activeDevice(deviceID)
        if let active = try await store.evaluationSubject(deviceID: deviceID, at: now)?.emergency {
            throw Problem.conflict(
                "Emergency access \(active.id) is active on this device until \(RFC3339.format(active.until)).")
        }
        let emergency: EmergencyAccess
        do {
            emergency = try EmergencyAccess.invoke(
                on: device, reason: body.reason, duration: compliance.emergencyDuration, at: now)
        } catch let error as ValidationError {
            try await store.appendAuditEvent(
                context.auditEvent(
                    .emergencyAccessInvoked, target: .device(deviceID), outcome: .failure,
                    reason: "\(error.field) \(error.message)", at: now, actor: .device(deviceID)))
            throw error
        }
        try await store.createEmergencyAccess(
            emergency,
            audit: context.auditEvent(
                .emergencyAccessInvoked, target: AuditTarget(type: "emergency_access", id: emergency.id.rawValue),
                reason: "device \(deviceID): \(emergency.reason)", at: now, actor: .device(deviceID)))
        guard let (subject, state) = try await compliance.evaluator.evaluate(deviceID, actor: .device(deviceID), at: now)
        else { throw AgentProblem.retired }
        return try APIJSON.response(
            EmergencyResponse(
                emergencyID: emergency.id.rawValue, expiresAt: emergency.expiresAt, access: AccessStatus(state.decision),
                grant: try await compliance.grants.grant(for: subject, state: state, at: now)),
            status: .created)
    }
}
