import Foundation

// The agent protocol's BYOD agreement messages (`docs/agent-protocol.md`, "Agreements").

/// One document the device's person must accept, as `GET /agent/v1/agreements` and
/// `GET /api/v1/me/agreements` list it: the text to show, and the hash to send back.
public struct AgreementToAccept: Codable, Sendable, Equatable {
    /// Where the person stands with a document.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// The version in force (or a later one) is accepted.
        case accepted
        /// An earlier version is accepted; it counts until ``AgreementToAccept/graceUntil``.
        case inGracePeriod = "in_grace_period"
        /// Not accepted: the person's personal devices get no PHI access until they accept.
        case missing
    }

    /// The version to accept.
    public var agreementID: AgreementID
    /// The document's name, such as `acceptable-use`.
    public var name: String
    /// The version's number.
    public var version: Int
    /// Acceptable use, or privacy and data ownership.
    public var kind: AgreementKind
    /// The title to show above the text.
    public var title: String
    /// The Markdown text, to show exactly.
    public var text: String
    /// SHA-256 of the text, hex: send it back to accept.
    public var sha256: String
    /// From when this version is the one to accept.
    public var effectiveAt: Date
    /// Where the person stands with the document.
    public var status: Status
    /// When an acceptance of an earlier version stops counting, during a grace period.
    public var graceUntil: Date?

    /// Describes the document to accept for a requirement: the version in force, or the later one
    /// published already when there is one (accepting it satisfies both).
    public init(_ requirement: AgreementRequirement) {
        let agreement = requirement.status == .accepted ? requirement.agreement : requirement.upcoming ?? requirement.agreement
        agreementID = agreement.id
        name = agreement.name
        version = agreement.version
        kind = agreement.kind
        title = agreement.title
        text = agreement.text
        sha256 = agreement.sha256
        effectiveAt = agreement.effectiveAt
        switch requirement.status {
        case .accepted:
            status = .accepted
            graceUntil = nil
        case .inGracePeriod(let until):
            status = .inGracePeriod
            graceUntil = until
        case .missing:
            status = .missing
            graceUntil = nil
        }
    }
}

/// The answer to `GET /agent/v1/agreements`.
public struct AgreementsResponse: Codable, Sendable, Equatable {
    /// The documents that apply to the device's person; empty when none does (hospital-owned
    /// devices need none).
    public var agreements: [AgreementToAccept]

    /// Describes the answer.
    public init(agreements: [AgreementToAccept]) { self.agreements = agreements }
}

/// `POST /agent/v1/agreements/accept` (and `POST /api/v1/agreements/{id}/acceptances`): the
/// person accepts the text they were shown.
public struct AgreementAcceptanceRequest: Codable, Sendable, Equatable {
    /// The version accepted.
    public var agreementID: AgreementID
    /// The hash of the text shown; refused when it is not the version's.
    public var sha256: String

    /// Describes the request.
    public init(agreementID: AgreementID, sha256: String) {
        self.agreementID = agreementID
        self.sha256 = sha256
    }
}

/// The answer to an acceptance from the device: the acceptance, and the device's access now.
public struct AgreementAcceptanceResponse: Codable, Sendable, Equatable {
    /// The acceptance's identifier.
    public var acceptanceID: String
    /// When it was accepted (the first time, when accepted twice).
    public var acceptedAt: Date
    /// The device's access decision after the acceptance.
    public var access: AccessStatus
    /// A fresh grant when access is now allowed.
    public var grant: IssuedGrant?

    /// Describes the answer.
    public init(acceptanceID: String, acceptedAt: Date, access: AccessStatus, grant: IssuedGrant?) {
        self.acceptanceID = acceptanceID
        self.acceptedAt = acceptedAt
        self.access = access
        self.grant = grant
    }
}
