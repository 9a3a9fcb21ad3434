import Foundation

// The messages of Vigil's agent protocol (`docs/agent-protocol.md`), shared by the server and
// the agent SDK so that both read and write exactly the same JSON.

/// Constants of the agent protocol.
public enum AgentProtocol {
    /// The prefix of every agent route.
    public static let basePath = "/agent/v1"
    /// How long a session lasts before the agent must open a new one.
    public static let sessionLifetime: TimeInterval = 3_600
    /// How long a challenge may be answered.
    public static let challengeLifetime: TimeInterval = 60
}

/// `POST /agent/v1/enroll`: a device joins with an invitation's code and its new public key.
public struct EnrollmentRequest: Codable, Sendable, Equatable {
    /// The invitation's one-time code, as typed or scanned.
    public var code: String
    /// The device's new Ed25519 public key, base64url of its 32 bytes.
    public var publicKey: String
    /// The signature, with the new key, of `vigil-enroll-v1\n<normalized code>\n<publicKey>`.
    public var proof: String
    /// What the device says about itself.
    public var facts: DeviceFacts

    public init(code: String, publicKey: String, proof: String, facts: DeviceFacts) {
        self.code = code
        self.publicKey = publicKey
        self.proof = proof
        self.facts = facts
    }
}

/// The answer to an enrollment.
public struct EnrollmentResponse: Codable, Sendable, Equatable {
    /// The device's identifier, for every later request.
    public var deviceID: DeviceID
    /// `approved`, or `pending` until an administrator decides.
    public var approval: ApprovalState
    public var ownership: Ownership
    public var deviceClass: DeviceClass
    /// How often to check in.
    public var checkInIntervalSeconds: Int

    public init(
        deviceID: DeviceID, approval: ApprovalState, ownership: Ownership, deviceClass: DeviceClass,
        checkInIntervalSeconds: Int
    ) {
        self.deviceID = deviceID
        self.approval = approval
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.checkInIntervalSeconds = checkInIntervalSeconds
    }
}

/// `POST /agent/v1/challenge`: a device asks for a challenge to sign.
public struct ChallengeRequest: Codable, Sendable, Equatable {
    public var deviceID: DeviceID
    public init(deviceID: DeviceID) { self.deviceID = deviceID }
}

/// A single-use challenge.
public struct ChallengeResponse: Codable, Sendable, Equatable {
    /// 32 random bytes, base64url.
    public var challenge: String
    /// After this instant the challenge is refused.
    public var expiresAt: Date

    public init(challenge: String, expiresAt: Date) {
        self.challenge = challenge
        self.expiresAt = expiresAt
    }
}

/// `POST /agent/v1/session`: a device proves it holds its private key and opens a session.
public struct SessionRequest: Codable, Sendable, Equatable {
    public var deviceID: DeviceID
    /// The challenge, as received.
    public var challenge: String
    /// The device's signature of ``sessionMessage(deviceID:challenge:)``.
    public var signature: String

    public init(deviceID: DeviceID, challenge: String, signature: String) {
        self.deviceID = deviceID
        self.challenge = challenge
        self.signature = signature
    }

    /// The text a device signs to open a session.
    public static func sessionMessage(deviceID: DeviceID, challenge: String) -> Data {
        Data("vigil-session-v1\n\(deviceID.rawValue)\n\(challenge)".utf8)
    }
}

/// An open session: the key that signs every later request.
public struct SessionResponse: Codable, Sendable, Equatable {
    /// Names the session in every signed request.
    public var sessionID: String
    /// 32 random bytes, base64url: the HMAC-SHA256 key of the session. Keep it in memory only.
    public var sessionKey: String
    /// After this instant the session is refused; open a new one.
    public var expiresAt: Date

    public init(sessionID: String, sessionKey: String, expiresAt: Date) {
        self.sessionID = sessionID
        self.sessionKey = sessionKey
        self.expiresAt = expiresAt
    }
}

/// Whether a device may reach PHI, and why not: the access decision (`docs/compliance.md`).
public struct AccessStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case notEvaluated = "not_evaluated"
        case allowed
        case denied
    }

    public var state: State
    /// Every reason for a denial.
    public var reasons: [String]
    /// What else the decision took into account (a grace period, emergency access, inputs not
    /// evaluated yet).
    public var notes: [String]?

    public init(state: State, reasons: [String], notes: [String]? = nil) {
        self.state = state
        self.reasons = reasons
        self.notes = notes
    }

    /// The status a decision gives.
    public init(_ decision: AccessDecision) {
        self.init(
            state: decision.allowed ? .allowed : .denied, reasons: decision.denialReasons.map(\.message),
            notes: decision.noteReasons.map(\.message))
    }
}

/// A grant as the device receives it.
public struct IssuedGrant: Codable, Sendable, Equatable {
    /// The signed JWT.
    public var token: String
    /// When it expires; ask for a new one before.
    public var expiresAt: Date
    /// Whether it was issued under emergency access.
    public var emergency: Bool

    /// Describes a grant.
    public init(token: String, expiresAt: Date, emergency: Bool) {
        self.token = token
        self.expiresAt = expiresAt
        self.emergency = emergency
    }
}

/// The answer to `POST /agent/v1/grant`: the decision, and a fresh grant when it allows.
public struct GrantResponse: Codable, Sendable, Equatable {
    /// The decision the device was just evaluated to.
    public var access: AccessStatus
    /// Absent when access is denied.
    public var grant: IssuedGrant?

    /// Describes the answer.
    public init(access: AccessStatus, grant: IssuedGrant?) {
        self.access = access
        self.grant = grant
    }
}

/// `POST /agent/v1/emergency`: a clinician invokes emergency access on the device.
public struct EmergencyRequest: Codable, Sendable, Equatable {
    /// Why, in the clinician's words (10 to 500 characters); recorded for review. It names no
    /// patient: the audit trail keeps it for years.
    public var reason: String

    /// Describes the request.
    public init(reason: String) { self.reason = reason }
}

/// The answer to an emergency access request.
public struct EmergencyResponse: Codable, Sendable, Equatable {
    /// The emergency access, for its review.
    public var emergencyID: String
    /// When it ends.
    public var expiresAt: Date
    /// The decision with the emergency access in force.
    public var access: AccessStatus
    /// The emergency grant; absent if something still denies access.
    public var grant: IssuedGrant?

    /// Describes the answer.
    public init(emergencyID: String, expiresAt: Date, access: AccessStatus, grant: IssuedGrant?) {
        self.emergencyID = emergencyID
        self.expiresAt = expiresAt
        self.access = access
        self.grant = grant
    }
}

/// A command for the device to execute (``DeviceCommand/pending``), in a check-in's answer (always
/// empty until the queue is served) or a ``PushMessage``; the agent answers with a
/// ``CommandOutcome`` naming its `id`.
public struct PendingCommand: Codable, Sendable, Equatable {
    /// The command, to name in the answer.
    public var id: String
    /// A ``CommandKind``, such as `lock`.
    public var type: String
    /// Its parameters (``CommandParameters``).
    public var parameters: [String: String]

    /// Describes a command.
    public init(id: String, type: String, parameters: [String: String]) {
        self.id = id
        self.type = type
        self.parameters = parameters
    }
}

/// The answer to `POST /agent/v1/checkin`, whose body is a ``Posture``.
public struct CheckInResponse: Codable, Sendable, Equatable {
    public var deviceID: DeviceID
    public var approval: ApprovalState
    /// Why an administrator approved or denied it, if they said.
    public var approvalReason: String?
    public var compliance: ComplianceState
    public var access: AccessStatus
    public var commands: [PendingCommand]
    /// When to check in next, in seconds (before jitter).
    public var nextCheckInSeconds: Int
    public var serverTime: Date
    /// A fresh access grant when access is allowed; absent when denied.
    public var grant: IssuedGrant?
    /// The requirements of its policy the device fails, such as `passcodeRequired`, so that the
    /// agent can tell its person what to fix.
    public var failingRequirements: [String]?

    public init(
        deviceID: DeviceID, approval: ApprovalState, approvalReason: String?, compliance: ComplianceState,
        access: AccessStatus, commands: [PendingCommand], nextCheckInSeconds: Int, serverTime: Date,
        grant: IssuedGrant? = nil, failingRequirements: [String]? = nil
    ) {
        self.deviceID = deviceID
        self.approval = approval
        self.approvalReason = approvalReason
        self.compliance = compliance
        self.access = access
        self.commands = commands
        self.nextCheckInSeconds = nextCheckInSeconds
        self.serverTime = serverTime
        self.grant = grant
        self.failingRequirements = failingRequirements
    }
}

/// `POST /agent/v1/key`: a device replaces its key pair. Every session of the device ends.
public struct KeyRotationRequest: Codable, Sendable, Equatable {
    /// The new Ed25519 public key, base64url.
    public var publicKey: String
    /// The signature, with the new key, of ``rotationMessage(deviceID:publicKey:)``.
    public var proof: String

    public init(publicKey: String, proof: String) {
        self.publicKey = publicKey
        self.proof = proof
    }

    /// The text a device signs with its new key.
    public static func rotationMessage(deviceID: DeviceID, publicKey: String) -> Data {
        Data("vigil-rotate-v1\n\(deviceID.rawValue)\n\(publicKey)".utf8)
    }
}

/// The answer to a key rotation.
public struct KeyRotationResponse: Codable, Sendable, Equatable {
    public var deviceID: DeviceID
    public var rotatedAt: Date

    public init(deviceID: DeviceID, rotatedAt: Date) {
        self.deviceID = deviceID
        self.rotatedAt = rotatedAt
    }
}
