import Foundation
import VigilCore

/// A device's connection to its Vigil server: it enrolls, opens sessions with the device key,
/// signs every request, checks in and rotates the key.
///
/// Requests run one at a time, in the order they were made, because every request of a session
/// must carry a higher counter than the one before. Once the server says the device was retired,
/// every call throws ``AgentError/retired`` without contacting it again.
public actor AgentClient {
    /// The device's identifier.
    public nonisolated let deviceID: DeviceID
    /// The server's base URL.
    public nonisolated let serverURL: URL

    var state: AgentState
    let store: any AgentIdentityStore
    let wire: AgentWire
    var session: AgentSession?
    private var isRetired = false
    private var isBusy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A client for an enrolled device.
    /// - Parameters:
    ///   - state: The device's identity.
    ///   - store: Where the identity is kept; a key rotation replaces it there.
    ///   - transport: What sends the requests.
    public init(state: AgentState, store: any AgentIdentityStore, transport: any AgentTransport) {
        self.deviceID = state.deviceID
        self.serverURL = state.serverURL
        self.state = state
        self.store = store
        self.wire = AgentWire(serverURL: state.serverURL, transport: transport)
    }

    /// A client for the device whose identity `store` holds.
    /// - Parameters:
    ///   - store: Where the identity is kept.
    ///   - transport: What sends the requests.
    /// - Throws: As ``AgentIdentityStore/load()``.
    public init(store: any AgentIdentityStore, transport: any AgentTransport) throws {
        self.init(state: try store.load(), store: store, transport: transport)
    }

    /// Reports the device's posture.
    /// - Parameter posture: The posture; it is validated before it is sent.
    /// - Returns: The server's answer: approval, compliance, access and when to check in next.
    /// - Throws: `ValidationError` for an invalid posture, ``AgentError/retired`` for a retired
    ///   device, other ``AgentError``s and transport errors otherwise.
    public func checkIn(_ posture: Posture) async throws -> CheckInResponse {
        let posture = try posture.validated()
        return try await exclusively { try await sendSigned("checkin", posture, expecting: 200) }
    }

    /// Replaces the device's key pair. The new identity is staged beside the stored one before
    /// the request, and replaces it once the server accepted the new key; the server ends every
    /// session, so the next request opens one with the new key.
    /// - Throws: ``AgentError`` or a transport error; after a refusal the old key stays in use.
    public func rotateKey() async throws {
        try await exclusively {
            var rotated = state
            rotated.key = DeviceKey()
            let publicKey = rotated.key.publicKey
            let proof = try rotated.key.sign(
                KeyRotationRequest.rotationMessage(deviceID: deviceID, publicKey: publicKey))
            try store.stage(rotated)
            do {
                let _: KeyRotationResponse = try await sendSigned(
                    "key", KeyRotationRequest(publicKey: publicKey, proof: proof), expecting: 200)
            } catch let error as AgentError where error.isRefusal {
                store.discardStaged()
                throw error
            }
            try store.commitStaged()
            state = rotated
            session = nil
        }
    }

    /// Runs `operation` when no other request is under way, and remembers a retirement.
    func exclusively<Result>(_ operation: () async throws -> Result) async throws -> Result {
        while isBusy {
            await withCheckedContinuation { waiting.append($0) }
        }
        guard !isRetired else { throw AgentError.retired }
        isBusy = true
        defer {
            isBusy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        do {
            return try await operation()
        } catch AgentError.retired {
            isRetired = true
            session = nil
            throw AgentError.retired
        }
    }
}
