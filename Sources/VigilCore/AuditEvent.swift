import Foundation

/// One entry of the append-only audit trail: who did what to which record, when, from where, and
/// how it ended.
///
/// The store assigns each event a gap-free ``sequence`` number in the order events were appended;
/// the tamper-evident ledger builds its Merkle tree over that order.
public struct AuditEvent: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "aud"

    /// Position in the trail, from 1, assigned by the store.
    public let sequence: Int64
    /// Unique identifier.
    public let id: AuditEventID
    /// When it happened.
    public let occurredAt: Date
    /// Who acted.
    public let actor: AuditActor
    /// What was done, such as `person.create`.
    public let action: AuditAction
    /// The record acted on, if any.
    public let target: AuditTarget?
    /// Whether it succeeded.
    public let outcome: AuditOutcome
    /// Why it failed, or a short note; never a secret or PHI.
    public let reason: String?
    /// The network address the request came from.
    public let sourceAddress: String?
    /// The request's ID, also in the logs and the `X-Request-ID` response header.
    public let requestID: String?
    /// For an access to PHI: the patient, device, purpose and place; `nil` for other events.
    public let phi: PHIAccessDetails?

    /// Gives a draft its place in the trail.
    /// - Parameters:
    ///   - draft: The event as recorded by the caller.
    ///   - sequence: The position the store assigned.
    public init(_ draft: AuditEventDraft, sequence: Int64) {
        self.sequence = sequence
        self.id = draft.id
        self.occurredAt = draft.occurredAt
        self.actor = draft.actor
        self.action = draft.action
        self.target = draft.target
        self.outcome = draft.outcome
        self.reason = draft.reason
        self.sourceAddress = draft.sourceAddress
        self.requestID = draft.requestID
        self.phi = draft.phi
    }

    /// The event without its sequence number.
    public var draft: AuditEventDraft {
        AuditEventDraft(
            id: id, occurredAt: occurredAt, actor: actor, action: action, target: target, outcome: outcome,
            reason: reason, sourceAddress: sourceAddress, requestID: requestID, phi: phi)
    }
}

/// The identifier of an ``AuditEvent``.
public typealias AuditEventID = Identifier<AuditEvent>

/// An audit event before the store has given it a sequence number.
public struct AuditEventDraft: Sendable, Equatable {
    /// Unique identifier, chosen by the caller.
    public var id: AuditEventID
    /// When it happened.
    public var occurredAt: Date
    /// Who acted.
    public var actor: AuditActor
    /// What was done.
    public var action: AuditAction
    /// The record acted on, if any.
    public var target: AuditTarget?
    /// Whether it succeeded.
    public var outcome: AuditOutcome
    /// Why it failed, or a short note; never a secret or PHI.
    public var reason: String?
    /// The caller's network address.
    public var sourceAddress: String?
    /// The request's ID.
    public var requestID: String?
    /// For an access to PHI: the patient, device, purpose and place.
    public var phi: PHIAccessDetails?

    /// Records an event.
    /// - Parameters:
    ///   - id: The event's identifier; a fresh one by default.
    ///   - occurredAt: When it happened.
    ///   - actor: Who acted.
    ///   - action: What was done.
    ///   - target: The record acted on.
    ///   - outcome: Success or failure.
    ///   - reason: Why it failed, or a short note.
    ///   - sourceAddress: The caller's network address.
    ///   - requestID: The request's ID.
    ///   - phi: For an access to PHI, its details (see ``PHIAccess``).
    public init(
        id: AuditEventID? = nil, occurredAt: Date, actor: AuditActor, action: AuditAction, target: AuditTarget?,
        outcome: AuditOutcome, reason: String? = nil, sourceAddress: String? = nil, requestID: String? = nil,
        phi: PHIAccessDetails? = nil
    ) {
        self.id = id ?? .generate(at: occurredAt)
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.reason = reason
        self.sourceAddress = sourceAddress
        self.requestID = requestID
        self.phi = phi
    }
}

/// Who performed an audited action.
public struct AuditActor: Codable, Sendable, Equatable {
    /// The kind of actor.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A person, through an API token.
        case person
        /// A device, through its own credential.
        case device
        /// Vigil itself (start-up, background work) or an operator at the command line.
        case system
        /// A caller that could not be authenticated.
        case anonymous
    }

    /// The kind of actor.
    public let kind: Kind
    /// The person's or device's ID; `nil` for anonymous callers, a name for system actors.
    public let id: String?
    /// The API token the person acted through, if any.
    public let tokenID: String?

    /// Names an actor.
    public init(kind: Kind, id: String?, tokenID: String? = nil) {
        self.kind = kind
        self.id = id
        self.tokenID = tokenID
    }

    /// An unauthenticated caller.
    public static let anonymous = AuditActor(kind: .anonymous, id: nil)

    /// Vigil acting on its own behalf, such as `cli` or `startup`.
    public static func system(_ name: String) -> AuditActor { AuditActor(kind: .system, id: name) }

    /// A device acting through its own credential.
    public static func device(_ id: DeviceID) -> AuditActor { AuditActor(kind: .device, id: id.rawValue) }

    /// A person acting through a token.
    public static func person(_ identity: Identity) -> AuditActor {
        AuditActor(kind: .person, id: identity.person.id.rawValue, tokenID: identity.token.id.rawValue)
    }
}

/// The record an audited action touched.
public struct AuditTarget: Codable, Sendable, Equatable {
    /// The kind of record, such as `person` or `route`.
    public let type: String
    /// Its identifier, or for a route its method and pattern.
    public let id: String

    /// Names a target.
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

extension AuditTarget {
    /// A person as the target of an audited action.
    public static func person(_ id: PersonID) -> AuditTarget { AuditTarget(type: "person", id: id.rawValue) }
    /// A facility as the target of an audited action.
    public static func facility(_ id: FacilityID) -> AuditTarget { AuditTarget(type: "facility", id: id.rawValue) }
    /// An API token as the target of an audited action.
    public static func token(_ id: APITokenID) -> AuditTarget { AuditTarget(type: "token", id: id.rawValue) }
    /// A device as the target of an audited action; its history is the events naming it.
    public static func device(_ id: DeviceID) -> AuditTarget { AuditTarget(type: "device", id: id.rawValue) }
    /// An enrollment invitation as the target of an audited action.
    public static func invitation(_ id: EnrollmentInvitationID) -> AuditTarget {
        AuditTarget(type: "invitation", id: id.rawValue)
    }
}

/// What an audited action did. New modules add their own actions as static constants.
public struct AuditAction: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral {
    /// The action's name, such as `person.create`.
    public let rawValue: String
    /// Names an action.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Names an action with a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A request presented no valid credential.
    public static let authenticationFailed: AuditAction = "auth.failed"
    /// An authenticated caller asked for something their roles do not allow.
    public static let authorizationDenied: AuditAction = "authz.denied"
    /// The first administrator was created.
    public static let administratorBootstrapped: AuditAction = "admin.bootstrap"
    /// The demo hospital was loaded.
    public static let demoLoaded: AuditAction = "demo.load"
    /// A person was added to the directory.
    public static let personCreated: AuditAction = "person.create"
    /// A person's record changed; the reason lists what.
    public static let personUpdated: AuditAction = "person.update"
    /// A facility was added.
    public static let facilityCreated: AuditAction = "facility.create"
    /// A facility's record changed.
    public static let facilityUpdated: AuditAction = "facility.update"
    /// An API token was issued; the reason names its owner.
    public static let tokenCreated: AuditAction = "token.create"
    /// An API token was revoked.
    public static let tokenRevoked: AuditAction = "token.revoke"
    /// An enrollment invitation was created; the reason names the person and ownership.
    public static let invitationCreated: AuditAction = "invitation.create"
    /// An enrollment invitation was revoked.
    public static let invitationRevoked: AuditAction = "invitation.revoke"
    /// A device enrolled, or an enrollment was refused (the reason says why).
    public static let deviceEnrolled: AuditAction = "device.enroll"
    /// An administrator approved a device.
    public static let deviceApproved: AuditAction = "device.approve"
    /// An administrator denied a device.
    public static let deviceDenied: AuditAction = "device.deny"
    /// A device was retired; the reason gives the disposition.
    public static let deviceRetired: AuditAction = "device.retire"
    /// A device replaced its key pair.
    public static let deviceKeyRotated: AuditAction = "device.key_rotate"
    /// Someone exported ledger entries with their proofs; the reason gives the filter and count.
    public static let ledgerExported: AuditAction = "ledger.export"
    /// A new ledger signing key replaced the old one; the target is the new key.
    public static let ledgerKeyRotated: AuditAction = "ledger.key_rotate"
    /// A security policy was created; the target is the policy's name.
    public static let policyCreated: AuditAction = "policy.create"
    /// A security policy changed; the reason gives its new version.
    public static let policyUpdated: AuditAction = "policy.update"
    /// A security policy was removed.
    public static let policyRemoved: AuditAction = "policy.remove"
    /// A device's compliance state changed; the reason gives the new state and the failures.
    public static let complianceChanged: AuditAction = "device.compliance_change"
    /// A device's access decision changed; the reason gives the decision and every reason.
    public static let accessChanged: AuditAction = "device.access_change"
    /// An administrator published a BYOD agreement version; the target is the version.
    public static let agreementPublished: AuditAction = "agreement.publish"
    /// A person accepted a BYOD agreement version; the reason names the version, its hash and the device.
    public static let agreementAccepted: AuditAction = "agreement.accept"
    /// An administrator changed the BYOD settings (approval rules, collection matrix).
    public static let byodSettingsUpdated: AuditAction = "byod.settings_update"
    /// A clinician invoked emergency access (break-glass) on a device; the reason is theirs.
    public static let emergencyAccessInvoked: AuditAction = "access.emergency"
    /// A security officer reviewed an emergency access.
    public static let emergencyAccessReviewed: AuditAction = "access.emergency_review"
    /// An administrator revoked a device's access grants.
    public static let grantsRevoked: AuditAction = "access.grants_revoke"
    /// A new access grant signing key replaced the old one.
    public static let grantKeyRotated: AuditAction = "access.key_rotate"
    /// An app was added to the catalog; the target is the app's bundle or package identifier.
    public static let appCreated: AuditAction = "app.create"
    /// A catalog app changed; the reason gives its new version and a withdrawn PHI approval.
    public static let appUpdated: AuditAction = "app.update"
    /// An app was removed from the catalog.
    public static let appRemoved: AuditAction = "app.remove"
    /// An assessment of a catalog app was recorded; the reason gives the area, the result and a
    /// withdrawn PHI approval.
    public static let appAssessed: AuditAction = "app.assess"
    /// A catalog app was approved for PHI or its approval was withdrawn; the reason is the officer's.
    public static let appPHIApproval: AuditAction = "app.phi_approval"
}

/// How an audited action ended.
public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    /// It was done.
    case success
    /// It was refused or failed; the event's reason says why.
    case failure
}

/// The criteria of an audit trail search; `nil` means any.
public struct AuditEventFilter: Sendable, Equatable {
    /// Events by this person, device or system actor.
    public var actorID: String?
    /// Events about records of this type, such as `person`.
    public var targetType: String?
    /// Events about the record with this ID.
    public var targetID: String?
    /// Events of this action.
    public var action: AuditAction?
    /// Events at or after this instant.
    public var from: Date?
    /// Events before this instant.
    public var until: Date?
    /// PHI access events about this patient.
    public var patientID: String?
    /// Events by, about or (for PHI access) from this device.
    public var deviceID: String?
    /// Events by or about this person.
    public var personID: String?

    /// Makes a filter.
    public init(
        actorID: String? = nil, targetType: String? = nil, targetID: String? = nil, action: AuditAction? = nil,
        from: Date? = nil, until: Date? = nil, patientID: String? = nil, deviceID: String? = nil,
        personID: String? = nil
    ) {
        self.actorID = actorID
        self.targetType = targetType
        self.targetID = targetID
        self.action = action
        self.from = from
        self.until = until
        self.patientID = patientID
        self.deviceID = deviceID
        self.personID = personID
    }
}

extension AuditAction {
    /// A fence was drawn; the reason names its facility and shape, never coordinates.
    public static let fenceCreated: AuditAction = "fence.create"
    /// A fence was changed.
    public static let fenceUpdated: AuditAction = "fence.update"
    /// A fence was removed.
    public static let fenceRemoved: AuditAction = "fence.remove"
    /// A shift was recorded.
    public static let shiftCreated: AuditAction = "shift.create"
    /// A shift was removed.
    public static let shiftRemoved: AuditAction = "shift.remove"
    /// A home visit was scheduled; the reason names the nurse and the time, never the patient or the place.
    public static let visitCreated: AuditAction = "visit.create"
    /// A home visit was cancelled.
    public static let visitCancelled: AuditAction = "visit.cancel"
}

extension AuditTarget {
    /// A fence as the target of an audited action.
    public static func fence(_ id: FenceID) -> AuditTarget { AuditTarget(type: "fence", id: id.rawValue) }
    /// A shift as the target of an audited action.
    public static func shift(_ id: ShiftID) -> AuditTarget { AuditTarget(type: "shift", id: id.rawValue) }
    /// A home visit as the target of an audited action.
    public static func visit(_ id: VisitID) -> AuditTarget { AuditTarget(type: "visit", id: id.rawValue) }
}
