import Foundation
import VigilCore

/// The BYOD agreements and their acceptances (`docs/byod.md`, "Agreements"). Published versions
/// never change and acceptances are never removed.
public protocol AgreementStore: Sendable {
    /// Every published version, by name then version.
    func agreements() async throws -> [Agreement]

    /// The version with `id`, if any.
    func agreement(id: AgreementID) async throws -> Agreement?

    /// Publishes a version with its audit event.
    /// - Throws: ``StoreError/conflict(_:)`` when that name and version exist (someone published
    ///   meanwhile); nothing is written then.
    func publishAgreement(_ agreement: Agreement, audit: AuditEventDraft) async throws

    /// Records a person's acceptance of a version, with its audit event, and adds it to what the
    /// access decision reads of the person's acceptances.
    /// The caller checks that the person, the device (theirs) and the version exist.
    /// - Returns: The acceptance recorded: `acceptance`, or the person's earlier acceptance of the
    ///   same version (then nothing is written).
    func acceptAgreement(_ acceptance: AgreementAcceptance, audit: AuditEventDraft) async throws -> AgreementAcceptance

    /// Acceptances, newest first, all or one version's, all or one person's.
    func acceptances(agreementID: AgreementID?, personID: PersonID?, _ page: PageRequest) async throws
        -> Page<AgreementAcceptance>

    /// The people with at least one personal device in service, with what the agreement rules
    /// need of them, by person ID.
    func personalDeviceHolders() async throws -> [AgreementHolder]
}

/// A person with personal devices in service, as the list of who has not accepted shows them.
public struct AgreementHolder: Sendable, Equatable {
    /// The person.
    public var personID: PersonID
    /// Their name.
    public var name: String
    /// Their roles.
    public var roles: Set<Role>
    /// Their affiliation.
    public var affiliation: Affiliation
    /// The versions they accepted.
    public var accepted: AcceptedAgreements
    /// How many personal devices of theirs are in service.
    public var devices: Int

    /// Describes a holder.
    public init(
        personID: PersonID, name: String, roles: Set<Role>, affiliation: Affiliation, accepted: AcceptedAgreements,
        devices: Int
    ) {
        self.personID = personID
        self.name = name
        self.roles = roles
        self.affiliation = affiliation
        self.accepted = accepted
        self.devices = devices
    }
}

/// The BYOD program's settings: approval rules and the collection matrix, one versioned document.
public protocol BYODSettingsStore: Sendable {
    /// The settings in force; the defaults (version 0) when they were never changed.
    func byodSettings() async throws -> BYODSettings

    /// Replaces the settings with their audit event, if they are still at `replacingVersion`.
    /// - Parameter settings: The new settings, with their new version.
    /// - Throws: ``StoreError/conflict(_:)`` when someone changed them meanwhile; nothing is written then.
    func saveBYODSettings(_ settings: BYODSettings, replacingVersion: Int, audit: AuditEventDraft) async throws
}
