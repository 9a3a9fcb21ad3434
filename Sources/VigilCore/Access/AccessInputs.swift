/// Everything the access decision looks at (`docs/compliance.md`, "The access decision").
///
/// Inputs whose module is not built yet are ``AgreementInput/notEvaluated`` (and likewise for place
/// and shift): they never deny, and the decision says they were not evaluated.
public struct AccessInputs: Sendable, Equatable, Hashable {
    /// The device's approval.
    public var approval: ApprovalState
    /// Whether the device is in the hospital's hands, lost, stolen or retired.
    public var custody: DeviceCustody
    /// Whether the device's person may act at all.
    public var personStatus: PersonStatus
    /// The device's compliance.
    public var compliance: ComplianceState
    /// The person's acceptance of the BYOD agreements.
    public var agreement: AgreementInput
    /// Where the device is.
    public var place: PlaceInput
    /// Whether the person is on shift.
    public var shift: ShiftInput
    /// Whether the app asking handles PHI.
    public var app: AppSensitivity
    /// Whether emergency access (break-glass) is active for the device.
    public var emergency: EmergencyInput

    /// Describes the inputs of one decision.
    public init(
        approval: ApprovalState, custody: DeviceCustody, personStatus: PersonStatus, compliance: ComplianceState,
        agreement: AgreementInput = .notEvaluated, place: PlaceInput = .notEvaluated, shift: ShiftInput = .notEvaluated,
        app: AppSensitivity = .phi, emergency: EmergencyInput = .none
    ) {
        self.approval = approval
        self.custody = custody
        self.personStatus = personStatus
        self.compliance = compliance
        self.agreement = agreement
        self.place = place
        self.shift = shift
        self.app = app
        self.emergency = emergency
    }
}

extension AccessInputs {
    /// Every combination of every input (73,728 of them), for exhaustive tests and the decision
    /// benchmark.
    public static var everyCombination: [AccessInputs] {
        var all: [AccessInputs] = []
        for approval in ApprovalState.allCases {
            for custody in DeviceCustody.allCases {
                for person in PersonStatus.allCases {
                    for compliance in ComplianceState.allCases {
                        for agreement in AgreementInput.allCases {
                            for place in PlaceInput.allCases {
                                for shift in ShiftInput.allCases {
                                    for app in AppSensitivity.allCases {
                                        for emergency in EmergencyInput.allCases {
                                            all.append(
                                                AccessInputs(
                                                    approval: approval, custody: custody, personStatus: person,
                                                    compliance: compliance, agreement: agreement, place: place,
                                                    shift: shift, app: app, emergency: emergency))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return all
    }
}

/// Whether a device is in the hospital's hands.
public enum DeviceCustody: String, Codable, CaseIterable, Sendable {
    /// In service.
    case inService = "in_service"
    /// Reported lost.
    case lost
    /// Reported stolen.
    case stolen
    /// Retired from service.
    case retired
}

extension Device {
    /// The device's custody, from its retirement record (a device retired as lost or stolen is
    /// lost or stolen) or, in service, from its loss report.
    public var custody: DeviceCustody {
        switch retirement?.disposition {
        case nil:
            switch loss?.kind {
            case nil: .inService
            case .lost: .lost
            case .stolen: .stolen
            }
        case .lost: .lost
        case .stolen: .stolen
        case .returned, .reassigned, .destroyed: .retired
        }
    }
}

/// The person's acceptance of the BYOD agreements (``AgreementSet/input(for:at:)``).
public enum AgreementInput: String, Codable, CaseIterable, Sendable {
    /// Not evaluated: the caller decided without the agreements (the server always has them).
    case notEvaluated = "not_evaluated"
    /// No agreement applies to this device.
    case notRequired = "not_required"
    /// The person accepted the current versions.
    case accepted
    /// The person has not accepted the current versions.
    case missing
}

/// Where the device's person is (``PlaceInput/init(_:conditions:visit:patient:)``, `docs/geofencing.md`).
public enum PlaceInput: String, Codable, CaseIterable, Sendable {
    /// Not evaluated: the caller decided without the place (the server always has it).
    case notEvaluated = "not_evaluated"
    /// No policy requires being inside a facility for this device.
    case notRequired = "not_required"
    /// Inside a facility fence.
    case inside
    /// At the place of a home visit in progress, and the request is for the visit's patient (or
    /// names none: the grant is then limited to that patient).
    case visit
    /// At the place of a home visit in progress, but the request is for another patient.
    case visitOtherPatient = "visit_other_patient"
    /// Outside every fence.
    case outside
    /// The fix is too inaccurate to tell; an inaccurate fix never blocks anyone.
    case unknown
    /// No recent fix, and the policy blocks PHI when the place is stale.
    case stale
}

/// Whether the person is on shift (``ShiftInput/init(required:shifts:at:)``).
public enum ShiftInput: String, Codable, CaseIterable, Sendable {
    /// Not evaluated: the caller decided without shifts (the server always has them).
    case notEvaluated = "not_evaluated"
    /// No policy requires being on shift for this person.
    case notRequired = "not_required"
    /// On shift, grace included.
    case onShift = "on_shift"
    /// Off shift, and a policy requires being on shift.
    case offShift = "off_shift"
}

/// Whether an app handles PHI.
public enum AppSensitivity: String, Codable, CaseIterable, Sendable {
    /// It handles protected health information (and, if it is in the catalog, is approved for it).
    case phi
    /// It does not.
    case nonPHI = "non_phi"
    /// It handles PHI but is not approved for PHI (`docs/byod.md`, "App vetting"): always denied.
    case unapprovedPHI = "unapproved_phi"

    /// The sensitivity of an app from its catalog entry.
    /// - Parameter catalogEntry: The app's entry in the catalog; `nil` for an app not in it.
    /// - Returns: ``phi`` for an unknown app (the safe default) or an approved PHI app,
    ///   ``nonPHI`` for an app that does not handle PHI, ``unapprovedPHI`` for one that handles
    ///   PHI without approval.
    public init(catalogEntry: CatalogApp?) {
        switch catalogEntry {
        case nil: self = .phi
        case let app? where !app.handlesPHI: self = .nonPHI
        case let app?: self = app.approvedForPHI ? .phi : .unapprovedPHI
        }
    }
}

/// Whether emergency access is active for the device.
public enum EmergencyInput: String, Codable, CaseIterable, Sendable {
    /// No emergency access is active.
    case none
    /// A clinician invoked emergency access on the device and it has not expired or ended.
    case active
}
