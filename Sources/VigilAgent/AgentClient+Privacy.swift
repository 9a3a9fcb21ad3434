import Foundation
import VigilCore

extension AgentClient {
    /// This device's privacy notice, composed by the server from its configuration in force: what
    /// it collects from the device, who sees it, what the hospital can and cannot do to the
    /// device, the person's BYOD agreements and the security requirements. Show it to the person.
    /// - Throws: ``AgentError/retired`` for a retired device, other ``AgentError``s and
    ///   transport errors otherwise.
    public func privacyNotice() async throws -> PrivacyNotice {
        try await exclusively { try await fetchSigned("privacy", expecting: 200) }
    }
}
