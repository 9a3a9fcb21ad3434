/// The risk score's formula in one place (`docs/byod.md`, "Risk and liability"): what each
/// factor is worth, the group it belongs to, and each group's cap.
///
/// A device's score is the sum, over the groups, of its factors' points in that group, each
/// group capped at ``RiskFactorGroup/cap``; the total is capped at ``RiskScore/maximum``.
public enum RiskFactorCode: String, Codable, CaseIterable, Sendable {
    /// The device reports that it is jailbroken or rooted.
    case jailbroken
    /// The device reports that no passcode is set.
    case passcodeMissing = "passcode_missing"
    /// The device reports that its storage is not encrypted.
    case storageUnencrypted = "storage_unencrypted"
    /// The screen never locks (a timeout of 0).
    case screenNeverLocks = "screen_never_locks"
    /// The screen locks only after more than ``RiskFormula/slowScreenLockSeconds``.
    case screenLockSlow = "screen_lock_slow"
    /// The latest security patch is older than ``RiskFormula/outdatedPatchDays``.
    case securityPatchOutdated = "security_patch_outdated"
    /// The device fails its security policy, past any grace period.
    case noncompliant
    /// The device fails its security policy, within its grace period.
    case inGracePeriod = "in_grace_period"
    /// No policy evaluation has looked at the device (no posture yet).
    case notEvaluated = "not_evaluated"
    /// The device is personal: `byod` or `patient_owned`.
    case personalDevice = "personal_device"
    /// The device is shared by whoever is on shift.
    case sharedDevice = "shared_device"
    /// A phone, tablet or wearable: small, carried, easily lost.
    case mobileDevice = "mobile_device"
    /// A medical device: its compromise reaches a patient.
    case medicalDevice = "medical_device"
    /// Managed apps that handle PHI are installed.
    case phiApps = "phi_apps"
    /// The last check-in is more than one day old.
    case checkInLate = "check_in_late"
    /// The last check-in is more than seven days old.
    case checkInStale = "check_in_stale"
    /// The last check-in is more than thirty days old.
    case checkInLapsed = "check_in_lapsed"
    /// The device never checked in since it enrolled.
    case neverCheckedIn = "never_checked_in"
    /// The device was retired as lost.
    case lost
    /// The device was retired as stolen.
    case stolen
    /// The device's person is an affiliated clinician, not an employee.
    case ownerAffiliatedClinician = "owner_affiliated_clinician"
    /// The device's person is a contractor or vendor.
    case ownerContractor = "owner_contractor"
    /// The device's person is a patient.
    case ownerPatient = "owner_patient"

    /// The points the factor adds, before its group's cap.
    public var points: Int {
        switch self {
        case .jailbroken: 30
        case .passcodeMissing, .storageUnencrypted: 15
        case .screenNeverLocks: 10
        case .screenLockSlow: 5
        case .securityPatchOutdated: 10
        case .noncompliant: 20
        case .inGracePeriod, .notEvaluated: 10
        case .personalDevice: 10
        case .sharedDevice: 5
        case .mobileDevice: 5
        case .medicalDevice: 10
        case .phiApps: 10
        case .checkInLate: 5
        case .checkInStale: 15
        case .checkInLapsed: 25
        case .neverCheckedIn: 10
        case .lost: 25
        case .stolen: 35
        case .ownerAffiliatedClinician, .ownerContractor, .ownerPatient: 5
        }
    }

    /// The group whose cap the factor counts against.
    public var group: RiskFactorGroup {
        switch self {
        case .jailbroken, .passcodeMissing, .storageUnencrypted, .screenNeverLocks, .screenLockSlow,
            .securityPatchOutdated, .noncompliant, .inGracePeriod, .notEvaluated:
            .posture
        case .personalDevice, .sharedDevice: .ownership
        case .mobileDevice, .medicalDevice: .deviceClass
        case .phiApps: .phiApps
        case .checkInLate, .checkInStale, .checkInLapsed, .neverCheckedIn: .checkIn
        case .lost, .stolen: .custody
        case .ownerAffiliatedClinician, .ownerContractor, .ownerPatient: .affiliation
        }
    }

    /// The code's position in the declaration, which orders factors of equal points.
    var rank: Int { Self.allCases.firstIndex(of: self)! }
}

/// A group of risk factors with a common cap, so that one kind of risk cannot fill the score alone.
public enum RiskFactorGroup: String, Codable, CaseIterable, Sendable {
    /// Posture gaps and compliance.
    case posture
    /// Who owns the hardware.
    case ownership
    /// What kind of hardware it is.
    case deviceClass = "device_class"
    /// PHI apps present.
    case phiApps = "phi_apps"
    /// Days since the last check-in.
    case checkIn = "check_in"
    /// Lost or stolen history.
    case custody
    /// How the device's person is bound to the organization.
    case affiliation

    /// The most points the group's factors add together.
    public var cap: Int {
        switch self {
        case .posture: 50
        case .ownership, .deviceClass, .phiApps: 10
        case .checkIn: 25
        case .custody: 35
        case .affiliation: 5
        }
    }
}

/// The thresholds of the risk formula's graded factors.
public enum RiskFormula {
    /// A screen lock timeout above this many seconds (15 minutes) is ``RiskFactorCode/screenLockSlow``.
    public static let slowScreenLockSeconds = 900
    /// A security patch older than this many days is ``RiskFactorCode/securityPatchOutdated``.
    public static let outdatedPatchDays = 90
    /// A check-in older than this many days is ``RiskFactorCode/checkInLate``.
    public static let lateCheckInDays = 1
    /// A check-in older than this many days is ``RiskFactorCode/checkInStale``.
    public static let staleCheckInDays = 7
    /// A check-in older than this many days is ``RiskFactorCode/checkInLapsed``.
    public static let lapsedCheckInDays = 30
}
