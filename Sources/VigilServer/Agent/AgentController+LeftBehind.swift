import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `POST /agent/v1/left-behind`: the agent reports its device still and untouched. While the
    /// device's person is on shift and it has been unattended for the policy's
    /// `leftBehindAfterMinutes`, the policy's `leftBehindResponse` follows: a lock, or a notice in
    /// the audit trail; otherwise nothing (`docs/commands.md`, "Left behind").
    @Sendable func reportLeftBehind(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let report = try JSONBody.decode(LeftBehindReport.self, from: data, knownFields: nil)
        let now = Date().roundedToMilliseconds
        guard report.stationarySince <= now.addingTimeInterval(60), report.lastInteractionAt <= now.addingTimeInterval(60) else {
            throw Problem.invalidField("stationarySince", "and lastInteractionAt must not be in the future")
        }
        let subject = try await activeSubject(deviceID, at: now)
        let conditions = try await compliance.policies.evaluator().effectivePolicy(for: subject.device, roles: subject.roles)
            .conditions
        let unattended = now.timeIntervalSince(report.unattendedSince)
        guard subject.shifts.contains(where: { $0.covers(now) }) else {
            return try APIJSON.response(LeftBehindAnswer(response: .none, reason: "the device's person is not on shift"))
        }
        guard unattended >= TimeInterval(conditions.leftBehindAfterMinutes * 60) else {
            return try APIJSON.response(
                LeftBehindAnswer(
                    response: .none,
                    reason: "unattended for \(Int(unattended / 60)) of the policy's \(conditions.leftBehindAfterMinutes) minutes"))
        }
        let minutes = Int(unattended / 60)
        let reason = "still and untouched for \(minutes) minutes while its person is on shift"
        switch conditions.leftBehindResponse {
        case .notify:
            try await store.appendAuditEvent(
                context.auditEvent(
                    .deviceLeftBehind, target: .device(deviceID), reason: "\(reason); notify", at: now, actor: .device(deviceID)))
            return try APIJSON.response(LeftBehindAnswer(response: .notify, reason: reason))
        case .lock:
            let draft = try CommandDraft(
                kind: .lock, parameters: ["message": "Locked: this device was left unattended. Unlock it to go on."],
                reason: "left behind: \(reason)",
                idempotencyKey: "left-behind-\(report.unattendedSince.millisecondsSince1970)"
            ).validated()
            let result = try await commands.issue(
                draft, to: subject.device, origin: .leftBehind, issuer: .device(deviceID), at: now,
                audit: { action, target, text in
                    context.auditEvent(action, target: target, reason: text, at: now, actor: .device(deviceID))
                })
            if result.created {
                try await store.appendAuditEvent(
                    context.auditEvent(
                        .deviceLeftBehind, target: .device(deviceID), reason: "\(reason); locked", at: now, actor: .device(deviceID)))
            }
            return try APIJSON.response(LeftBehindAnswer(response: .lock, reason: reason, commandID: result.command.id.rawValue))
        }
    }
}
