import Crypto
import Foundation
import NIOConcurrencyHelpers
import VigilCore

/// The challenges and sessions of device authentication, held in this process's memory.
///
/// A session is opened by signing a single-use challenge with the device's private key; it
/// yields a random HMAC key that signs every later request (``RequestSignature``). Sessions are
/// not persisted: after a restart, devices open new ones. Each device keeps at most
/// ``maximumSessionsPerDevice`` sessions and ``maximumChallengesPerDevice`` challenges (the
/// oldest go first), and all outstanding challenges are bounded, so a misbehaving device can
/// neither exhaust memory nor crowd out other devices' challenges.
final class DeviceSessions: Sendable {
    /// Why a signed request was refused.
    enum Refusal: String, Error {
        /// No such session (expired and swept, ended, or from before a restart).
        case unknownSession = "unknown_session"
        case expiredSession = "expired_session"
        /// The counter did not grow: a replayed or reordered request.
        case replayedCounter = "replayed_counter"
        case badSignature = "bad_signature"

        /// Whether the refusal is ordinary session life (the agent simply opens a new session),
        /// rather than a sign of attack worth an audit event.
        var isRoutine: Bool { self == .unknownSession || self == .expiredSession }
    }

    struct Session {
        let deviceID: DeviceID
        /// The device's ownership, which never changes: a check-in drops what its ownership may
        /// not report without reading the device.
        let ownership: Ownership
        let key: SymmetricKey
        let openedAt: Date
        let expiresAt: Date
        var lastCounter: UInt64
    }

    struct Challenge {
        let deviceID: DeviceID
        let expiresAt: Date
    }

    struct State {
        var sessions: [String: Session] = [:]
        var sessionsByDevice: [DeviceID: [String]] = [:]
        var challenges: [String: Challenge] = [:]
        var challengesByDevice: [DeviceID: [String]] = [:]
        /// Grows each time a device's sessions are ended, so that a session being opened from a
        /// key read before the end (a rotated-out key) is refused.
        var generations: [DeviceID: UInt64] = [:]
    }

    static let maximumSessionsPerDevice = 3
    static let maximumChallengesPerDevice = 4
    static let maximumOutstandingChallenges = 400_000

    private let state = NIOLockedValueBox(State())
    let sessionLifetime: TimeInterval

    init(sessionLifetime: TimeInterval = AgentProtocol.sessionLifetime) {
        self.sessionLifetime = sessionLifetime
    }

    /// Issues a single-use challenge for `deviceID`, forgetting the device's oldest when it has
    /// too many.
    /// - Returns: `nil` when the server holds too many challenges already (try again shortly).
    func issueChallenge(for deviceID: DeviceID, at now: Date) -> ChallengeResponse? {
        let challenge = Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let expiresAt = now.addingTimeInterval(AgentProtocol.challengeLifetime)
        let issued = state.withLockedValue { state -> Bool in
            if state.challenges.count >= Self.maximumOutstandingChallenges {
                Self.forgetExpiredChallenges(in: &state, at: now)
                guard state.challenges.count < Self.maximumOutstandingChallenges else { return false }
            }
            var mine = state.challengesByDevice[deviceID, default: []].filter { state.challenges[$0] != nil }
            while mine.count >= Self.maximumChallengesPerDevice { state.challenges[mine.removeFirst()] = nil }
            state.challenges[challenge] = Challenge(deviceID: deviceID, expiresAt: expiresAt)
            state.challengesByDevice[deviceID] = mine + [challenge]
            return true
        }
        return issued ? ChallengeResponse(challenge: challenge, expiresAt: expiresAt.roundedToMilliseconds) : nil
    }

    /// The device's session generation, to pass to ``open(for:at:generation:)``: read it before
    /// reading the device's key.
    func generation(of deviceID: DeviceID) -> UInt64 {
        state.withLockedValue { $0.generations[deviceID] ?? 0 }
    }

    /// Consumes a challenge: `true` once, and only for the device it was issued to, before it expires.
    func takeChallenge(_ challenge: String, for deviceID: DeviceID, at now: Date) -> Bool {
        state.withLockedValue { state in
            guard let issued = state.challenges[challenge], issued.deviceID == deviceID else { return false }
            state.challenges[challenge] = nil
            return issued.expiresAt > now
        }
    }

    /// Opens a session for `deviceID`, ending its oldest when it has too many.
    /// - Parameters:
    ///   - ownership: The device's ownership, kept with the session.
    ///   - generation: ``generation(of:)`` as read before the device's key was.
    /// - Returns: `nil` when the device's sessions were ended since (its key may have changed).
    func open(for deviceID: DeviceID, ownership: Ownership, at now: Date, generation: UInt64) -> SessionResponse? {
        let id = "ses_" + SymmetricKey(size: .bits128).withUnsafeBytes { SHA256Hex.hex($0) }
        let key = SymmetricKey(size: .bits256)
        let expiresAt = now.addingTimeInterval(sessionLifetime).roundedToMilliseconds
        let opened = state.withLockedValue { state -> Bool in
            guard (state.generations[deviceID] ?? 0) == generation else { return false }
            var ids = state.sessionsByDevice[deviceID, default: []].filter {
                state.sessions[$0].map { $0.expiresAt > now } ?? false
            }
            while ids.count >= Self.maximumSessionsPerDevice { state.sessions[ids.removeFirst()] = nil }
            state.sessions[id] = Session(
                deviceID: deviceID, ownership: ownership, key: key, openedAt: now, expiresAt: expiresAt, lastCounter: 0)
            state.sessionsByDevice[deviceID] = ids + [id]
            return true
        }
        guard opened else { return nil }
        return SessionResponse(
            sessionID: id, sessionKey: Base64URL.encode(key.withUnsafeBytes { Array($0) }), expiresAt: expiresAt)
    }

    /// Checks a signed request and advances its session's counter.
    /// - Returns: The device the session belongs to.
    /// - Throws: ``Refusal``.
    func authenticate(
        _ signature: RequestSignature, method: String, target: String, body: some DataProtocol, at now: Date
    ) throws(Refusal) -> DeviceID {
        guard let session = state.withLockedValue({ $0.sessions[signature.sessionID] }) else {
            throw .unknownSession
        }
        guard session.expiresAt > now else { throw .expiredSession }
        guard signature.isValid(method: method, target: target, body: body, key: session.key) else {
            throw .badSignature
        }
        let accepted = state.withLockedValue { state -> Bool in
            guard var current = state.sessions[signature.sessionID], signature.counter > current.lastCounter else {
                return false
            }
            current.lastCounter = signature.counter
            state.sessions[signature.sessionID] = current
            return true
        }
        guard accepted else { throw .replayedCounter }
        return session.deviceID
    }

    /// Whether a session is open and unexpired: a push connection lives only as long as its session.
    func isLive(_ sessionID: String, at now: Date) -> Bool {
        state.withLockedValue { $0.sessions[sessionID].map { $0.expiresAt > now } ?? false }
    }

    /// The device a session belongs to, to name it in the audit trail when its request is refused.
    func deviceID(ofSession sessionID: String) -> DeviceID? {
        state.withLockedValue { $0.sessions[sessionID]?.deviceID }
    }

    /// The ownership of a device that holds a session, as read when the session opened; `nil`
    /// when it holds none (its sessions were ended).
    func ownership(of deviceID: DeviceID) -> Ownership? {
        state.withLockedValue { state in
            state.sessionsByDevice[deviceID]?.compactMap { state.sessions[$0]?.ownership }.first
        }
    }

    /// Ends every session of `deviceID` at once (retirement, key rotation).
    func endSessions(of deviceID: DeviceID) {
        state.withLockedValue { state in
            for id in state.sessionsByDevice.removeValue(forKey: deviceID) ?? [] { state.sessions[id] = nil }
            state.generations[deviceID, default: 0] += 1
        }
    }

    /// Forgets expired sessions and challenges.
    func sweep(at now: Date) {
        state.withLockedValue { state in
            Self.forgetExpiredChallenges(in: &state, at: now)
            let expired = state.sessions.filter { $0.value.expiresAt <= now }
            for (id, session) in expired {
                state.sessions[id] = nil
                state.sessionsByDevice[session.deviceID]?.removeAll { $0 == id }
                if state.sessionsByDevice[session.deviceID]?.isEmpty == true {
                    state.sessionsByDevice[session.deviceID] = nil
                }
            }
        }
    }

    private static func forgetExpiredChallenges(in state: inout State, at now: Date) {
        state.challenges = state.challenges.filter { $0.value.expiresAt > now }
        state.challengesByDevice = state.challengesByDevice.compactMapValues { ids in
            let live = ids.filter { state.challenges[$0] != nil }
            return live.isEmpty ? nil : live
        }
    }

    /// How many sessions are open, for metrics and tests.
    var sessionCount: Int { state.withLockedValue { $0.sessions.count } }
}
