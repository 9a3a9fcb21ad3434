/// Who owns a device, which decides what Vigil may collect from it and do to it.
public enum Ownership: String, Codable, CaseIterable, Sendable {
    /// Bought by the hospital and issued to one person.
    case corporate
    /// The person's own device (bring your own device).
    case byod
    /// A hospital device used by whoever is on shift.
    case shared
    /// A hospital device lent to a patient, such as a home monitor.
    case patientIssued = "patient_issued"
    /// The patient's own device.
    case patientOwned = "patient_owned"

    /// Whether the hospital owns the hardware: it may keep a posture history and hardware IDs.
    public var isHospitalOwned: Bool {
        switch self {
        case .corporate, .shared, .patientIssued: true
        case .byod, .patientOwned: false
        }
    }

    /// The approval a device gets when it enrolls from a valid invitation: hospital-owned devices
    /// at once, personal devices only after an administrator approves them.
    public var approvalAtEnrollment: ApprovalState {
        isHospitalOwned ? .approved : .pending
    }
}

/// What kind of hardware a device is.
public enum DeviceClass: String, Codable, CaseIterable, Sendable {
    case phone
    case tablet
    case pc
    case wearable
    /// A medical device; its ``MedicalDeviceKind`` says which.
    case medicalDevice = "medical_device"
}

/// The kind of a medical device.
public enum MedicalDeviceKind: String, Codable, CaseIterable, Sendable {
    case insulinPump = "insulin_pump"
    case defibrillator
    case cpap
    case cardiacMonitor = "cardiac_monitor"
    case oxygenConcentrator = "oxygen_concentrator"
    case other
}

/// The operating system family a device runs.
public enum Platform: String, Codable, CaseIterable, Sendable {
    case ios
    case ipados
    case android
    case macos
    case windows
    case linux
    case watchos
    case wearos
    case embedded
}

/// Whether a device has been admitted to the fleet.
public enum ApprovalState: String, Codable, CaseIterable, Sendable {
    /// Admitted: it may receive access once compliant.
    case approved
    /// Waiting for an administrator; it may check in but never gets PHI access.
    case pending
    /// Refused by an administrator, with a reason; it never gets PHI access.
    case denied
}

/// The device's compliance with its security policy. Policies arrive with a later module; until
/// one applies, every device is ``notEvaluated``.
public enum ComplianceState: String, Codable, CaseIterable, Sendable {
    case notEvaluated = "not_evaluated"
    case compliant
    case inGracePeriod = "in_grace_period"
    case noncompliant
}

/// What happened to a retired device's hardware (HIPAA §164.310(d) device and media accountability).
public enum RetirementDisposition: String, Codable, CaseIterable, Sendable {
    case returned
    case reassigned
    case destroyed
    case lost
    case stolen
}

/// Whether a device is in service.
public enum DeviceStatus: String, Codable, CaseIterable, Sendable {
    /// Enrolled and able to authenticate.
    case active
    /// Retired: its credentials are refused, its record is kept.
    case retired
}
