import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `GET /agent/v1/provisioning`: what an approved device is provisioned with, its policies and
    /// its managed apps. A device waiting for approval, or denied, gets 409: approval provisions it.
    @Sendable func provisioning(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, _) = try await authenticate(request, context)
        let subject = try await activeSubject(deviceID, at: Date())
        guard subject.device.approval == .approved else {
            throw Problem.conflict(
                "The device is \(subject.device.approval.rawValue); it is provisioned once an administrator or the approval rules approve it.")
        }
        let effective = try await compliance.policies.evaluator().effectivePolicy(for: subject.device, roles: subject.roles)
        return try APIJSON.response(
            Provisioning(device: subject.device, effective: effective, catalog: try await store.catalogApps()))
    }
}
