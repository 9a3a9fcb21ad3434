import Foundation
import VigilCore

extension AgentClient {
    /// The BYOD documents this device's person must accept, with their texts and hashes.
    /// - Returns: The documents; empty when none applies (hospital-owned devices).
    /// - Throws: ``AgentError/retired`` for a retired device, other ``AgentError``s and
    ///   transport errors otherwise.
    public func agreements() async throws -> AgreementsResponse {
        try await exclusively { try await fetchSigned("agreements", expecting: 200) }
    }

    /// Accepts a document for this device's person, exactly as shown to them.
    /// - Parameter agreement: The document, as ``agreements()`` listed it. The hash sent is computed
    ///   here from its text, the text shown, so that the server refuses the acceptance if that text
    ///   is not the version's.
    /// - Returns: The acceptance and the device's access after it, with a grant when allowed.
    /// - Throws: ``AgentError/server(status:kind:detail:)`` 400 when the text changed meanwhile
    ///   (list the agreements again and show the new text), 404 for an unknown version.
    public func accept(_ agreement: AgreementToAccept) async throws -> AgreementAcceptanceResponse {
        try await exclusively {
            try await sendSigned(
                "agreements/accept", AgreementAcceptanceRequest(
                    agreementID: agreement.agreementID, sha256: Agreement.hash(of: agreement.text)),
                expecting: 200)
        }
    }

    /// What this device is provisioned with once approved: its policies and managed apps.
    /// - Throws: ``AgentError/server(status:kind:detail:)`` 409 while the device waits for
    ///   approval or was denied.
    public func provisioning() async throws -> Provisioning {
        try await exclusively { try await fetchSigned("provisioning", expecting: 200) }
    }
}
