/// The answer to *may this person, on this device, reach PHI now?*, with every reason.
///
/// Made only by ``AccessDecision/decide(_:)``: one pure function that everything else calls.
public struct AccessDecision: Sendable, Equatable, Hashable {
    /// Whether access is allowed.
    public let allowed: Bool
    /// Every reason access is denied; empty when allowed.
    public let denials: AccessDenials
    /// What else the decision took into account: inputs not evaluated, a grace period, emergency access.
    public let notes: AccessNotes

    /// Rebuilds a stored decision.
    public init(denials: AccessDenials, notes: AccessNotes) {
        self.allowed = denials.isEmpty
        self.denials = denials
        self.notes = notes
    }

    /// Decides.
    ///
    /// The rules, in `docs/compliance.md`:
    /// - Any app is denied on a device that is denied by an administrator, lost, stolen or retired,
    ///   or whose person is suspended, and an app that handles PHI without approval for PHI is
    ///   always denied. Nothing overrides these, emergency access included.
    /// - A PHI app (approved or not) is also denied while the device waits for approval, when its
    ///   compliance is not evaluated or noncompliant, when the person has not accepted the BYOD
    ///   agreements, when the person is outside every fence or their place is stale, when a home
    ///   visit's nurse asks for another patient than the visit's, and when the person is off shift.
    ///   Emergency access overrides exactly these, except the approval; the decision notes it only
    ///   when it overrode something (a compliant device in an emergency gets an ordinary grant).
    /// - A device in its grace period keeps access, with a note. Inputs not evaluated never deny.
    public static func decide(_ inputs: AccessInputs) -> AccessDecision {
        var denials: AccessDenials = []
        var notes: AccessNotes = []
        switch inputs.approval {
        case .approved: break
        case .pending: if inputs.app != .nonPHI { denials.insert(.pendingApproval) }
        case .denied: denials.insert(.deviceDenied)
        }
        switch inputs.custody {
        case .inService: break
        case .lost: denials.insert(.lost)
        case .stolen: denials.insert(.stolen)
        case .retired: denials.insert(.retired)
        }
        if inputs.personStatus == .suspended { denials.insert(.personSuspended) }
        if inputs.app == .unapprovedPHI { denials.insert(.appNotApproved) }
        guard inputs.app != .nonPHI else { return AccessDecision(denials: denials, notes: notes) }

        var overridable: AccessDenials = []
        switch inputs.compliance {
        case .compliant: break
        case .inGracePeriod: notes.insert(.inGracePeriod)
        case .noncompliant: overridable.insert(.noncompliant)
        case .notEvaluated: overridable.insert(.complianceNotEvaluated)
        }
        switch inputs.agreement {
        case .notEvaluated: notes.insert(.agreementNotEvaluated)
        case .notRequired, .accepted: break
        case .missing: overridable.insert(.agreementMissing)
        }
        switch inputs.place {
        case .notEvaluated: notes.insert(.placeNotEvaluated)
        case .notRequired, .inside: break
        case .visit: notes.insert(.visitScoped)
        case .visitOtherPatient: overridable.insert(.visitOtherPatient)
        case .unknown: notes.insert(.placeUnknown)
        case .outside: overridable.insert(.outsideFacility)
        case .stale: overridable.insert(.placeStale)
        }
        switch inputs.shift {
        case .notEvaluated: notes.insert(.shiftNotEvaluated)
        case .notRequired, .onShift: break
        case .offShift: overridable.insert(.offShift)
        }
        if inputs.emergency == .active, !overridable.isEmpty, !denials.contains(.pendingApproval),
            denials.isDisjoint(with: .absolute)
        {
            notes.insert(.emergencyAccess)
        } else {
            denials.formUnion(overridable)
        }
        return AccessDecision(denials: denials, notes: notes)
    }
}

/// The reasons access is denied, as a set of flags (cheap to compute, store and compare). Each
/// has a stable code and a message.
public struct AccessDenials: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    // One flag per reason; ``all`` gives each its code and message.

    public static let pendingApproval = AccessDenials(rawValue: 1 << 0)
    public static let deviceDenied = AccessDenials(rawValue: 1 << 1)
    public static let lost = AccessDenials(rawValue: 1 << 2)
    public static let stolen = AccessDenials(rawValue: 1 << 3)
    public static let retired = AccessDenials(rawValue: 1 << 4)
    public static let personSuspended = AccessDenials(rawValue: 1 << 5)
    public static let complianceNotEvaluated = AccessDenials(rawValue: 1 << 6)
    public static let noncompliant = AccessDenials(rawValue: 1 << 7)
    public static let agreementMissing = AccessDenials(rawValue: 1 << 8)
    public static let outsideFacility = AccessDenials(rawValue: 1 << 9)
    public static let placeStale = AccessDenials(rawValue: 1 << 10)
    public static let offShift = AccessDenials(rawValue: 1 << 11)
    public static let appNotApproved = AccessDenials(rawValue: 1 << 12)
    public static let visitOtherPatient = AccessDenials(rawValue: 1 << 13)

    /// The denials that emergency access never overrides.
    public static let absolute: AccessDenials = [
        .deviceDenied, .lost, .stolen, .retired, .personSuspended, .appNotApproved,
    ]

    /// Every denial, with its code and message, in a fixed order.
    public static let all: [(flag: AccessDenials, code: String, message: String)] = [
        (.pendingApproval, "pending_approval", "The device is waiting for an administrator's approval."),
        (.deviceDenied, "device_denied", "An administrator denied the device."),
        (.lost, "lost", "The device is reported lost."),
        (.stolen, "stolen", "The device is reported stolen."),
        (.retired, "retired", "The device is retired."),
        (.personSuspended, "person_suspended", "The device's person is suspended."),
        (.complianceNotEvaluated, "compliance_not_evaluated", "The device's compliance is not evaluated yet: it has not checked in."),
        (.noncompliant, "noncompliant", "The device does not meet its security policy."),
        (.agreementMissing, "agreement_missing", "The person has not accepted the current BYOD agreements."),
        (.outsideFacility, "outside_facility", "The device's person is outside the facility."),
        (.placeStale, "place_stale", "No device of the person has reported its place recently."),
        (.visitOtherPatient, "visit_other_patient", "During a home visit, only the visited patient's records are available."),
        (.offShift, "off_shift", "The person is not on shift."),
        (.appNotApproved, "app_not_approved", "The app handles PHI but is not approved for PHI."),
    ]
}

/// What else an access decision took into account.
public struct AccessNotes: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    // One flag per note; ``all`` gives each its code and message.

    public static let inGracePeriod = AccessNotes(rawValue: 1 << 0)
    public static let emergencyAccess = AccessNotes(rawValue: 1 << 1)
    public static let agreementNotEvaluated = AccessNotes(rawValue: 1 << 2)
    public static let placeNotEvaluated = AccessNotes(rawValue: 1 << 3)
    public static let placeUnknown = AccessNotes(rawValue: 1 << 4)
    public static let shiftNotEvaluated = AccessNotes(rawValue: 1 << 5)
    public static let visitScoped = AccessNotes(rawValue: 1 << 6)

    /// Every note, with its code and message, in a fixed order.
    public static let all: [(flag: AccessNotes, code: String, message: String)] = [
        (.inGracePeriod, "in_grace_period", "The device fails its policy but is in its grace period."),
        (.emergencyAccess, "emergency_access", "Emergency access is active; it is recorded for review."),
        (.agreementNotEvaluated, "agreement_not_evaluated", "BYOD agreements are not evaluated yet."),
        (.placeNotEvaluated, "place_not_evaluated", "The device's place is not evaluated yet."),
        (.placeUnknown, "place_unknown", "The device's place is uncertain; an inaccurate fix never blocks access."),
        (.shiftNotEvaluated, "shift_not_evaluated", "Shifts are not evaluated yet."),
        (.visitScoped, "visit_scoped", "At a home visit: access is limited to the visited patient."),
    ]
}

/// One reason or note of a decision, as the API and the audit trail show it.
public struct AccessReason: Codable, Sendable, Equatable {
    /// A stable code, such as `noncompliant`.
    public var code: String
    /// The explanation.
    public var message: String

    /// Describes a reason.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension AccessDecision {
    /// The denials, in a fixed order.
    public var denialReasons: [AccessReason] {
        AccessDenials.all.filter { denials.contains($0.flag) }.map { AccessReason(code: $0.code, message: $0.message) }
    }

    /// The notes, in a fixed order.
    public var noteReasons: [AccessReason] {
        AccessNotes.all.filter { notes.contains($0.flag) }.map { AccessReason(code: $0.code, message: $0.message) }
    }

    /// One line for the audit trail, such as `denied: noncompliant, off_shift`.
    public var summary: String {
        let codes = (allowed ? noteReasons : denialReasons).map(\.code)
        return (allowed ? "allowed" : "denied") + (codes.isEmpty ? "" : ": " + codes.joined(separator: ", "))
    }
}
