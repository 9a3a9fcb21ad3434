/// Something a caller may be allowed to do through the API; each route requires one.
///
/// This is the whole authorization matrix in one place. Auditors hold only read permissions:
/// they read and never write.
public enum Permission: String, CaseIterable, Sendable {
    /// See one's own identity (`GET /api/v1/me`).
    case readSelf = "self.read"
    /// List and read people.
    case readPeople = "people.read"
    /// Create and change people.
    case writePeople = "people.write"
    /// List and read facilities.
    case readFacilities = "facilities.read"
    /// Create and change facilities.
    case writeFacilities = "facilities.write"
    /// Create, list and revoke one's own API tokens.
    case manageOwnTokens = "tokens.own"
    /// List and read every person's token records (never their secrets).
    case readAllTokens = "tokens.read"
    /// Create tokens for other people and revoke anyone's.
    case manageAllTokens = "tokens.write"
    /// Search the audit trail.
    case readAuditEvents = "audit.read"
    /// Read the ledger's signed heads, keys and proofs, and export entries with their proofs.
    case readLedger = "ledger.read"
    /// List and read devices, their postures, history and enrollment invitations.
    case readDevices = "devices.read"
    /// Invite devices to enroll; approve, deny and retire devices.
    case writeDevices = "devices.write"
    /// Read security policies, devices' compliance, fleet evaluations and due actions.
    case readPolicies = "policies.read"
    /// Create, change and remove security policies.
    case writePolicies = "policies.write"
    /// List emergency accesses and the grant keys.
    case readAccess = "access.read"
    /// Review emergency accesses, revoke a device's grants, rotate the grant signing key.
    case writeAccess = "access.write"
    /// Check an access grant (for PHI services).
    case verifyGrants = "access.verify"
    /// Accept BYOD agreements for oneself.
    case acceptAgreements = "agreements.accept"
    /// Record assessments of catalog apps and approve apps for PHI or withdraw their approval.
    case assessApps = "apps.assess"
    /// Read shifts and home visits (a visit names a patient and their home: PHI).
    case readSchedules = "schedules.read"
    /// Record and remove shifts, schedule and cancel home visits.
    case writeSchedules = "schedules.write"
    /// Read the location fixes kept for hospital-owned devices (lost-device recovery).
    case readLocations = "locations.read"
    /// Read devices' commands and batches.
    case readCommands = "commands.read"
    /// Issue, cancel and approve commands, and report devices lost, stolen or found.
    case issueCommands = "commands.issue"

    /// The roles that hold this permission.
    public var grantedRoles: Set<Role> {
        switch self {
        case .readSelf: Set(Role.allCases)
        // Everyone who may have a personal device that reaches PHI; auditors only read.
        case .acceptAgreements: [.admin, .securityOfficer, .nurseManager, .clinician, .patient]
        // Minimum necessary: the directory holds patients too, so nurse managers see their team
        // through scheduling (a later module), not the whole directory.
        case .readPeople: [.admin, .securityOfficer, .auditor]
        case .writePeople, .writeFacilities, .manageAllTokens, .writeDevices, .writePolicies: [.admin]
        case .readPolicies, .readAccess: [.admin, .securityOfficer, .auditor]
        case .writeAccess, .assessApps: [.admin, .securityOfficer]
        // Nurse managers schedule their teams; auditors are left out of visits' PHI (minimum necessary).
        case .readSchedules: [.admin, .securityOfficer, .nurseManager]
        case .writeSchedules: [.admin, .nurseManager]
        // Coordinates serve lost-device recovery, a security officer's work.
        case .readLocations: [.admin, .securityOfficer]
        // Locking, locating and wiping are incident response: administrators and security officers.
        case .issueCommands: [.admin, .securityOfficer]
        case .readCommands: [.admin, .securityOfficer, .auditor]
        // A PHI service signs in with a token of a staff member or service account of its own;
        // a grant tells nothing to anyone who does not hold it.
        case .verifyGrants: [.admin, .securityOfficer, .nurseManager, .clinician]
        case .readFacilities: [.admin, .securityOfficer, .auditor, .nurseManager, .clinician]
        case .manageOwnTokens: [.admin, .securityOfficer, .nurseManager, .clinician, .patient]
        case .readAllTokens, .readAuditEvents, .readLedger, .readDevices: [.admin, .securityOfficer, .auditor]
        }
    }

    /// Whether a caller holding `roles` has this permission.
    /// - Parameter roles: The caller's effective roles.
    /// - Returns: `true` when any of the roles is granted this permission.
    public func isGranted(to roles: Set<Role>) -> Bool {
        !grantedRoles.isDisjoint(with: roles)
    }
}
