import Foundation
import ServiceLifecycle
import VigilCore

// Narrow storage protocols, one per concern, combined into ``VigilStore``.
//
// Every method that writes takes the audit event that records the write and appends it in the
// same transaction: either both are committed or neither is.

/// People: staff, affiliated clinicians, contractors and patients.
public protocol PeopleStore: Sendable {
    /// Adds a person.
    /// - Throws: ``StoreError/conflict(_:)`` when the email is taken,
    ///   ``StoreError/unknownReference(field:id:)`` for a facility that does not exist.
    func createPerson(_ person: Person, audit: AuditEventDraft) async throws

    /// Changes a person in one transaction: reads the current record, applies `change`, writes it.
    /// - Parameters:
    ///   - id: The person.
    ///   - audit: The event recording the change.
    ///   - change: Edits the record; an error it throws cancels everything.
    /// - Returns: The changed person.
    /// - Throws: ``StoreError/notFound(_:)``, ``StoreError/lastAdministrator`` when the change
    ///   would leave no active administrator, the errors of ``createPerson(_:audit:)``, or what
    ///   `change` throws.
    func updatePerson(
        id: PersonID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Person) throws -> Void
    ) async throws -> Person

    /// The person with `id`, if any.
    func person(id: PersonID) async throws -> Person?

    /// The person with `email` (compared lowercased), if any.
    func person(email: String) async throws -> Person?

    /// People in creation order.
    func people(_ page: PageRequest) async throws -> Page<Person>

    /// Whether any person holds the admin role, active or suspended.
    func administratorExists() async throws -> Bool
}

/// Facilities: hospitals, clinics and other sites.
public protocol FacilityStore: Sendable {
    /// Adds a facility.
    func createFacility(_ facility: Facility, audit: AuditEventDraft) async throws

    /// Changes a facility in one transaction, like ``PeopleStore/updatePerson(id:audit:_:)``.
    func updateFacility(
        id: FacilityID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Facility) throws -> Void
    ) async throws -> Facility

    /// The facility with `id`, if any.
    func facility(id: FacilityID) async throws -> Facility?

    /// Facilities in creation order.
    func facilities(_ page: PageRequest) async throws -> Page<Facility>
}

/// API tokens. Secrets are never stored; only their SHA-256 hash (``TokenSecret/hash``).
public protocol TokenStore: Sendable {
    /// Adds a token.
    /// - Throws: ``StoreError/unknownReference(field:id:)`` when the owner does not exist.
    func createToken(_ token: APIToken, secretHash: String, audit: AuditEventDraft) async throws

    /// Finds the token whose secret hashes to `secretHash`, with its owner, and notes the use
    /// (at most once a minute per token, to spare the database a write per request).
    /// - Returns: `nil` when no token has this hash.
    func tokenForAuthentication(secretHash: String, at now: Date) async throws -> (APIToken, Person)?

    /// The token with `id`, if any.
    func token(id: APITokenID) async throws -> APIToken?

    /// Tokens in creation order, all or one person's.
    func tokens(ownerID: PersonID?, _ page: PageRequest) async throws -> Page<APIToken>

    /// Revokes a token; revoking a revoked token keeps its first revocation time.
    /// - Returns: The token as revoked.
    /// - Throws: ``StoreError/notFound(_:)``.
    func revokeToken(id: APITokenID, at now: Date, audit: AuditEventDraft) async throws -> APIToken
}

/// The append-only audit trail. There is deliberately no way to change or remove an event.
public protocol AuditStore: Sendable {
    /// Appends an event on its own, for events that record no write (a refused request).
    /// - Returns: The event with its sequence number.
    @discardableResult
    func appendAuditEvent(_ event: AuditEventDraft) async throws -> AuditEvent

    /// Events matching `filter`, newest first; the page cursor is a sequence number.
    func auditEvents(_ filter: AuditEventFilter, _ page: PageRequest) async throws -> Page<AuditEvent>
}

/// Devices, their enrollment invitations, check-ins and posture history.
public protocol DeviceStore: Sendable {
    /// Adds an invitation; the code itself is never stored, only its hash.
    /// - Throws: ``StoreError/unknownReference(field:id:)`` for a person or facility that does not exist.
    func createInvitation(_ invitation: EnrollmentInvitation, codeHash: String, audit: AuditEventDraft) async throws

    /// The invitation with `id`, if any.
    func invitation(id: EnrollmentInvitationID) async throws -> EnrollmentInvitation?

    /// Invitations in creation order, all or one person's.
    func invitations(personID: PersonID?, _ page: PageRequest) async throws -> Page<EnrollmentInvitation>

    /// Changes an invitation in one transaction, like ``PeopleStore/updatePerson(id:audit:_:)``.
    func updateInvitation(
        id: EnrollmentInvitationID, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EnrollmentInvitation) throws -> Void
    ) async throws -> EnrollmentInvitation

    /// Enrolls a device in one transaction: finds the invitation whose code hashes to `codeHash`
    /// and its person's status and personal devices in service, lets `admit` make the device (or
    /// refuse), marks the invitation used and adds the device.
    /// - Parameters:
    ///   - codeHash: The hash of the code presented.
    ///   - admit: Makes the device from the invitation (`nil` when no invitation has the code)
    ///     and its person as they are now; what it throws cancels everything.
    ///   - audit: The event recording the enrollment, for the admitted device.
    /// - Returns: The new device.
    func enrollDevice(
        codeHash: String, admit: @escaping @Sendable (EnrollmentInvitation?, EnrollingPerson?) throws -> Device,
        audit: @escaping @Sendable (Device) -> AuditEventDraft
    ) async throws -> Device

    /// The device with `id`, if any.
    func device(id: DeviceID) async throws -> Device?

    /// Devices matching `filter`, in `sort` order; the cursor is ``DeviceSort/cursor(after:)``.
    func devices(_ filter: DeviceFilter, sort: DeviceSort, _ page: PageRequest) async throws -> Page<Device>

    /// Every device matching `filter`, in `sort` order, read in one statement: a consistent
    /// snapshot, for exports.
    func allDevices(_ filter: DeviceFilter, sort: DeviceSort) async throws -> [Device]

    /// Changes a device in one transaction, like ``PeopleStore/updatePerson(id:audit:_:)``.
    func updateDevice(
        id: DeviceID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Device) throws -> Void
    ) async throws -> Device

    /// Records check-ins in one transaction: last seen and latest posture for every device, and,
    /// for hospital-owned ones, a posture history entry whenever the posture changes (the battery
    /// level aside). Check-ins are not audit events.
    /// - Returns: For each check-in in order, the device's state, or `nil` when the device does
    ///   not exist or is retired (nothing is recorded for it then).
    func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws -> [DeviceCheckInState?]

    /// A device's posture history, newest first.
    func postureHistory(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PostureRecord>

    /// Removes posture history recorded before `cutoff`.
    /// - Returns: How many entries were removed.
    func prunePostureHistory(recordedBefore cutoff: Date) async throws -> Int
}

/// First-run set-up.
public protocol BootstrapStore: Sendable {
    /// Creates the first administrator and their token, unless an administrator exists.
    /// - Parameter requireEmptyDirectory: Refuse unless nobody at all is in the directory (for a
    ///   bootstrap at first start, which must never fire again later).
    /// - Throws: ``StoreError/administratorExists`` when one does, ``StoreError/notEmpty`` when
    ///   `requireEmptyDirectory` and someone is; nothing is written then.
    func bootstrapAdministrator(
        _ person: Person, token: APIToken, secretHash: String, audit: AuditEventDraft, requireEmptyDirectory: Bool
    ) async throws

    /// Loads a data set into a database that holds no facilities and no one but administrators.
    /// - Throws: ``StoreError/notEmpty`` otherwise; nothing is written then.
    func loadSeed(_ seed: SeedData, audit: AuditEventDraft) async throws
}

/// The tamper-evident ledger over the audit trail (`docs/ledger.md`): group-committed appends,
/// the entries for verification and proofs, signed tree heads and the public signing keys. No
/// method changes or removes an entry or a head.
public protocol LedgerStore: Sendable {
    /// Appends events in one transaction, in order: the group commit of standalone events.
    /// - Returns: The events with their sequence numbers.
    func appendAuditEvents(_ events: [AuditEventDraft]) async throws -> [AuditEvent]

    /// The number of entries (the last sequence).
    func ledgerSize() async throws -> Int64

    /// The entries after `sequence` up to `last`, in order, each with its recomputed and its
    /// stored leaf hash.
    func ledgerLeafChecks(after sequence: Int64, through last: Int64) async throws -> [LedgerLeafCheck]

    /// The stored leaf hashes of the entries after `sequence` up to `last`, in order.
    /// - Throws: ``StoreError/corruptRecord(_:)`` when an entry in the range is missing or has no leaf hash.
    func ledgerLeafHashes(after sequence: Int64, through last: Int64) async throws -> [MerkleHash]

    /// The events matching `filter` after `sequence` up to `last`, oldest first, at most `limit`.
    func ledgerEvents(_ filter: AuditEventFilter, after sequence: Int64, through last: Int64, limit: Int)
        async throws -> [AuditEvent]

    /// Keeps a signed head with its frontier.
    /// - Throws: ``StoreError/conflict(_:)`` when a head of that size exists.
    func appendSignedHead(_ head: StoredTreeHead) async throws

    /// The head of the largest size, with its frontier.
    func latestSignedHead() async throws -> StoredTreeHead?

    /// The smallest head covering at least `treeSize` entries.
    func signedHead(covering treeSize: Int64) async throws -> SignedTreeHead?

    /// The head of exactly `treeSize` entries.
    func signedHead(treeSize: Int64) async throws -> SignedTreeHead?

    /// Every signed head, smallest first.
    func signedHeads() async throws -> [SignedTreeHead]

    /// Every signing key ever used, oldest first.
    func ledgerKeys() async throws -> [SigningKeyRecord]

    /// Publishes a new signing key and retires the current one, with the event recording it.
    func addLedgerKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws
}

/// Security policies, each device's compliance and access decision, due escalation actions,
/// emergency accesses and the access grants' public keys (`docs/compliance.md`).
public protocol ComplianceStore: Sendable {
    /// Every policy, by name.
    func securityPolicies() async throws -> [SecurityPolicy]

    /// Applies policy changes in one transaction, with their audit events.
    /// - Throws: ``StoreError/conflict(_:)`` when a policy is not at the version a change expects
    ///   (someone changed it meanwhile) or a created name is taken; nothing is written then.
    func applyPolicyChanges(_ changes: [PolicyChange], at time: Date, audit: [AuditEventDraft]) async throws

    /// Active devices after `after`, in ID order, with what evaluating them needs, at most `limit`.
    func evaluationSubjects(after: DeviceID?, limit: Int, at now: Date) async throws -> [EvaluationSubject]

    /// One device, retired or not, with what evaluating it needs; `nil` when it does not exist.
    func evaluationSubject(deviceID: DeviceID, at now: Date) async throws -> EvaluationSubject?

    /// Writes the outcomes that changed in one transaction: each device's state (only if its
    /// recorded revision is still the one the outcome replaces), its compliance, due actions
    /// and audit events.
    /// - Returns: The devices whose outcome was not written because another evaluation wrote first.
    func recordEvaluations(_ outcomes: [EvaluationOutcome]) async throws -> [DeviceID]

    /// Due actions in the order they were recorded, all or one device's, all or in one state.
    func dueActions(deviceID: DeviceID?, state: DueActionState?, _ page: PageRequest) async throws -> Page<DueAction>

    /// Records an emergency access with its audit event.
    func createEmergencyAccess(_ access: EmergencyAccess, audit: AuditEventDraft) async throws

    /// The emergency access with `id`, if any.
    func emergencyAccess(id: Identifier<EmergencyAccess>) async throws -> EmergencyAccess?

    /// Emergency accesses, newest first, all or only those not reviewed yet.
    func emergencyAccesses(unreviewedOnly: Bool, _ page: PageRequest) async throws -> Page<EmergencyAccess>

    /// Changes an emergency access (its review) in one transaction, like ``PeopleStore/updatePerson(id:audit:_:)``.
    func updateEmergencyAccess(
        id: Identifier<EmergencyAccess>, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EmergencyAccess) throws -> Void
    ) async throws -> EmergencyAccess

    /// Refuses every grant of a device issued before `time`.
    /// - Throws: ``StoreError/notFound(_:)`` when the device was never evaluated (it has no grants).
    func revokeGrants(deviceID: DeviceID, at time: Date, audit: AuditEventDraft) async throws

    /// Every access grant signing key ever used, oldest first.
    func grantKeys() async throws -> [SigningKeyRecord]

    /// Publishes a new grant signing key and retires the current one, with the event recording it.
    func addGrantKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws
}

/// All of Vigil's persistence: the protocols above, plus the lifecycle of the connection.
///
/// A store is a ServiceLifecycle `Service`: ``run()`` must be running (in a service group, or
/// through ``withRunningStore(_:_:)``) while the store is used.
public protocol VigilStore:
    PeopleStore, FacilityStore, TokenStore, AuditStore, LedgerStore, DeviceStore, ComplianceStore, BootstrapStore,
    AgreementStore, BYODSettingsStore, CatalogStore, RiskStore, FenceStore, DevicePlaceStore, ScheduleStore, CommandStore,
    Service
{
    /// Where the data lives, for people to read; never contains a password.
    var summary: String { get }

    /// Brings the schema up to date with the numbered migrations. Safe to call on every start.
    func migrate() async throws

    /// Checks that the database answers.
    func checkReadiness() async throws
}

/// Records to load at once, such as the demo hospital.
public struct SeedData: Sendable {
    public var facilities: [Facility]
    public var people: [Person]
    /// Tokens with the hashes of their secrets.
    public var tokens: [(token: APIToken, secretHash: String)]
    /// Enrollment invitations with the hashes of their codes, for the devices.
    public var invitations: [(invitation: EnrollmentInvitation, codeHash: String)]
    /// Enrolled devices, with their latest postures (a simulated fleet, for benchmarks).
    public var devices: [Device]

    /// Bundles records to load.
    public init(
        facilities: [Facility], people: [Person], tokens: [(token: APIToken, secretHash: String)],
        invitations: [(invitation: EnrollmentInvitation, codeHash: String)] = [], devices: [Device] = []
    ) {
        self.facilities = facilities
        self.people = people
        self.tokens = tokens
        self.invitations = invitations
        self.devices = devices
    }
}

/// Runs `store` in the background while `body` uses it; stops it afterwards.
/// - Parameters:
///   - store: The store to run.
///   - body: The work to do with it.
/// - Returns: What `body` returns.
public func withRunningStore<Result: Sendable>(
    _ store: some VigilStore, _ body: @Sendable (any VigilStore) async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        return try await body(store)
    }
}
