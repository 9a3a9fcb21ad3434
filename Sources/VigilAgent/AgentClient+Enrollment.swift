import Foundation
import VigilCore

extension AgentClient {
    /// Enrolls this device: makes its key pair, presents the invitation's code to the server and
    /// stores the identity the server grants.
    /// - Parameters:
    ///   - serverURL: The server's base URL, such as `https://vigil.example.org`.
    ///   - code: The invitation's code, as typed or scanned.
    ///   - facts: What the device says about itself.
    ///   - store: Where to keep the identity; it must not hold one already.
    ///   - transport: What sends the requests.
    /// - Returns: A client for the new device, and the server's answer (the device's approval
    ///   and check-in interval).
    /// - Throws: ``AgentError/invalidServerURL(_:)``, ``AgentError/invalidCode`` or
    ///   ``AgentError/alreadyEnrolled(path:)`` before contacting the server;
    ///   ``AgentError/server(status:kind:detail:)`` with kind `enrollment-refused` for a code the
    ///   server refuses; other ``AgentError``s and transport errors otherwise.
    public static func enroll(
        serverURL: URL, code: String, facts: DeviceFacts, store: any AgentIdentityStore, transport: any AgentTransport
    ) async throws -> (AgentClient, EnrollmentResponse) {
        guard ["http", "https"].contains(serverURL.scheme?.lowercased()), serverURL.host?.isEmpty == false else {
            throw AgentError.invalidServerURL(serverURL.absoluteString)
        }
        guard let code = EnrollmentCode(typed: code) else { throw AgentError.invalidCode }
        guard !store.holdsIdentity else { throw AgentError.alreadyEnrolled(path: store.identityPath) }
        let key = DeviceKey()
        let request = EnrollmentRequest(
            code: code.normalized, publicKey: key.publicKey,
            proof: try key.sign(Enrollment.proofMessage(code: code, publicKey: key.publicKey)), facts: facts)
        let wire = AgentWire(serverURL: serverURL, transport: transport)
        let response: EnrollmentResponse = try await wire.exchange("enroll", request, expecting: 201)
        let state = AgentState(
            serverURL: serverURL, deviceID: response.deviceID, key: key, enrolledAt: Date().roundedToMilliseconds,
            ownership: response.ownership, deviceClass: response.deviceClass)
        try store.save(state)
        return (AgentClient(state: state, store: store, transport: transport), response)
    }
}
