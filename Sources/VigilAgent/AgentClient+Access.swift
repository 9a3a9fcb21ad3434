import Foundation
import VigilCore

extension AgentClient {
    /// Asks for a fresh access grant between check-ins (before the last one expires).
    /// - Returns: The access decision and, when it allows, the grant; keep the grant in memory
    ///   only and present it to PHI services.
    /// - Throws: ``AgentError/retired`` for a retired device, other ``AgentError``s and
    ///   transport errors otherwise.
    public func renewGrant() async throws -> GrantResponse {
        try await exclusively { try await sendSigned("grant", EmptyMessage(), expecting: 200) }
    }

    /// Invokes emergency access (break-glass) on this device.
    /// - Parameter reason: Why, in the clinician's words, 10 to 500 characters; security officers
    ///   read it when they review the access.
    /// - Returns: The emergency access's ID and end, the access decision and the emergency grant.
    /// - Throws: ``AgentError/server(status:kind:detail:)`` 400 for a reason of the wrong length
    ///   or a device an administrator denied, 409 while an emergency access is active already;
    ///   ``AgentError/retired`` for a lost, stolen or retired device.
    public func invokeEmergencyAccess(reason: String) async throws -> EmergencyResponse {
        try await exclusively { try await sendSigned("emergency", EmergencyRequest(reason: reason), expecting: 201) }
    }
}

/// A request without a body of its own: `{}`.
struct EmptyMessage: Codable, Sendable {}
