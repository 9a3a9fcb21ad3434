/// What a person does at the hospital, and so what they may do in Vigil.
///
/// A person holds one or more roles; ``Permission`` says which roles may do what.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    /// Hospital IT or mobility administrator: manages people, facilities, devices and policies.
    case admin
    /// Security or compliance officer: reads everything, answers for incidents.
    case securityOfficer = "security_officer"
    /// Outside auditor: reads, never writes.
    case auditor
    /// Nurse manager: schedules and their team.
    case nurseManager = "nurse_manager"
    /// Clinician, employed or affiliated.
    case clinician
    /// Patient with a wearable or home medical device.
    case patient

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a person is bound to the organization; BYOD rules and agreements depend on it.
public enum Affiliation: String, Codable, CaseIterable, Sendable {
    /// On the hospital's payroll.
    case employee
    /// A clinician with privileges at the hospital who is not its employee.
    case affiliatedClinician = "affiliated_clinician"
    /// A contractor or vendor.
    case contractor
    /// A patient.
    case patient
}

/// Whether a person may act at all. A suspended person's tokens stop working at once.
public enum PersonStatus: String, Codable, CaseIterable, Sendable {
    /// May sign in and act within their roles.
    case active
    /// Kept on record, but every credential is refused.
    case suspended
}
