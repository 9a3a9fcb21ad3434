import Foundation
import Testing
import VigilCore

/// The access decision, checked against every combination of its inputs and against a reference
/// written from its documented rules, plus named cases that read like the specification.
@Suite struct AccessDecisionTests {
    // MARK: - An independent reference

    /// The rules of `AccessDecision.decide`, restated from its documentation as a table: each rule
    /// says when it fires and what it yields, and the expected codes come out in the documented order.
    enum Reference {
        /// What a rule yields.
        enum Kind: Sendable {
            /// A denial nothing overrides, emergency access included.
            case absolute
            /// A denial emergency access does not override either (the approval).
            case notOverridable
            /// A denial emergency access overrides.
            case overridable
            /// A note.
            case note
        }

        struct Rule: Sendable {
            let code: String
            let kind: Kind
            let fires: @Sendable (AccessInputs) -> Bool
        }

        /// Every denial rule, in the order reasons are listed.
        static let denialRules: [Rule] = [
            Rule(code: "pending_approval", kind: .notOverridable) { $0.approval == .pending && $0.app.handlesPHI },
            Rule(code: "device_denied", kind: .absolute) { $0.approval == .denied },
            Rule(code: "lost", kind: .absolute) { $0.custody == .lost },
            Rule(code: "stolen", kind: .absolute) { $0.custody == .stolen },
            Rule(code: "retired", kind: .absolute) { $0.custody == .retired },
            Rule(code: "person_suspended", kind: .absolute) { $0.personStatus == .suspended },
            Rule(code: "compliance_not_evaluated", kind: .overridable) { $0.app.handlesPHI && $0.compliance == .notEvaluated },
            Rule(code: "noncompliant", kind: .overridable) { $0.app.handlesPHI && $0.compliance == .noncompliant },
            Rule(code: "agreement_missing", kind: .overridable) { $0.app.handlesPHI && $0.agreement == .missing },
            Rule(code: "outside_facility", kind: .overridable) { $0.app.handlesPHI && $0.place == .outside },
            Rule(code: "place_stale", kind: .overridable) { $0.app.handlesPHI && $0.place == .stale },
            Rule(code: "visit_other_patient", kind: .overridable) { $0.app.handlesPHI && $0.place == .visitOtherPatient },
            Rule(code: "off_shift", kind: .overridable) { $0.app.handlesPHI && $0.shift == .offShift },
            Rule(code: "app_not_approved", kind: .absolute) { $0.app == .unapprovedPHI },
        ]

        /// Every note rule but emergency access, in the order notes are listed (emergency access
        /// goes second). Notes speak only of what a PHI decision looked at.
        static let noteRulesBeforeEmergency: [Rule] = [
            Rule(code: "in_grace_period", kind: .note) { $0.app.handlesPHI && $0.compliance == .inGracePeriod },
        ]
        static let noteRulesAfterEmergency: [Rule] = [
            Rule(code: "agreement_not_evaluated", kind: .note) { $0.app.handlesPHI && $0.agreement == .notEvaluated },
            Rule(code: "place_not_evaluated", kind: .note) { $0.app.handlesPHI && $0.place == .notEvaluated },
            Rule(code: "place_unknown", kind: .note) { $0.app.handlesPHI && $0.place == .unknown },
            Rule(code: "shift_not_evaluated", kind: .note) { $0.app.handlesPHI && $0.shift == .notEvaluated },
            Rule(code: "visit_scoped", kind: .note) { $0.app.handlesPHI && $0.place == .visit },
        ]

        struct Outcome: Equatable {
            var allowed: Bool
            var denials: [String]
            var notes: [String]
            var summary: String
        }

        static func outcome(_ inputs: AccessInputs) -> Outcome {
            let fired = denialRules.filter { $0.fires(inputs) }
            // Emergency access takes effect for a PHI app only when nothing it cannot override denies,
            // and something it can override does.
            let emergencyTakesEffect = inputs.emergency == .active && inputs.app.handlesPHI
                && !fired.contains { $0.kind == .absolute || $0.kind == .notOverridable }
                && fired.contains { $0.kind == .overridable }
            let denials = fired.filter { !(emergencyTakesEffect && $0.kind == .overridable) }.map(\.code)
            var notes = noteRulesBeforeEmergency.filter { $0.fires(inputs) }.map(\.code)
            if emergencyTakesEffect { notes.append("emergency_access") }
            notes += noteRulesAfterEmergency.filter { $0.fires(inputs) }.map(\.code)
            let allowed = denials.isEmpty
            let shown = allowed ? notes : denials
            let summary = (allowed ? "allowed" : "denied") + (shown.isEmpty ? "" : ": " + shown.joined(separator: ", "))
            return Outcome(allowed: allowed, denials: denials, notes: notes, summary: summary)
        }
    }

    /// Every combination of every input.
    static var everyInput: [AccessInputs] { AccessInputs.everyCombination }

    static func describe(_ inputs: AccessInputs) -> String {
        [
            inputs.approval.rawValue, inputs.custody.rawValue, inputs.personStatus.rawValue, inputs.compliance.rawValue,
            "agreement=" + inputs.agreement.rawValue, "place=" + inputs.place.rawValue, "shift=" + inputs.shift.rawValue,
            inputs.app.rawValue, "emergency=" + inputs.emergency.rawValue,
        ].joined(separator: " ")
    }

    static func outcome(_ decision: AccessDecision) -> Reference.Outcome {
        Reference.Outcome(
            allowed: decision.allowed, denials: decision.denialReasons.map(\.code), notes: decision.noteReasons.map(\.code),
            summary: decision.summary)
    }

    static func decide(
        _ approval: ApprovalState = .approved, _ custody: DeviceCustody = .inService, person: PersonStatus = .active,
        _ compliance: ComplianceState = .compliant, agreement: AgreementInput = .accepted, place: PlaceInput = .inside,
        shift: ShiftInput = .onShift, app: AppSensitivity = .phi, emergency: EmergencyInput = .none
    ) -> AccessDecision {
        AccessDecision.decide(
            AccessInputs(
                approval: approval, custody: custody, personStatus: person, compliance: compliance, agreement: agreement,
                place: place, shift: shift, app: app, emergency: emergency))
    }

    // MARK: - Exhaustive decision table

    @Test func everyCombinationMatchesTheDocumentedRules() {
        let inputs = Self.everyInput
        #expect(inputs.count == 3 * 4 * 2 * 4 * 4 * 8 * 4 * 3 * 2)
        #expect(Set(inputs).count == inputs.count)
        var mismatches: [String] = []
        var allowedCount = 0
        for input in inputs {
            let decision = AccessDecision.decide(input)
            let actual = Self.outcome(decision)
            let expected = Reference.outcome(input)
            if actual != expected {
                mismatches.append("\(Self.describe(input)): expected \(expected), got \(actual)")
            }
            // The stored flags agree with the listed reasons, and a decision rebuilt from its flags is itself.
            if decision.allowed != decision.denials.isEmpty || AccessDecision(denials: decision.denials, notes: decision.notes) != decision {
                mismatches.append("\(Self.describe(input)): flags and reasons disagree")
            }
            if decision.allowed { allowedCount += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(10).joined(separator: "\n"))")
        // A sanity check on the reference itself: both answers occur.
        #expect(allowedCount > 0 && allowedCount < inputs.count)
    }

    @Test func theDecisionIsDeterministic() {
        for input in Self.everyInput.shuffled().prefix(2_000) {
            #expect(AccessDecision.decide(input) == AccessDecision.decide(input))
        }
    }

    // MARK: - The rules as examples

    @Test func aCompliantCorporatePhoneIsAllowedWithNotEvaluatedNotes() {
        // A corporate phone as it stands before the BYOD, geofencing and shift modules exist.
        let decision = AccessDecision.decide(
            AccessInputs(approval: .approved, custody: .inService, personStatus: .active, compliance: .compliant))
        #expect(decision.allowed)
        #expect(decision.denials.isEmpty)
        #expect(decision.denialReasons.isEmpty)
        #expect(decision.notes == [.agreementNotEvaluated, .placeNotEvaluated, .shiftNotEvaluated])
        #expect(decision.noteReasons.map(\.code) == ["agreement_not_evaluated", "place_not_evaluated", "shift_not_evaluated"])
        #expect(decision.summary == "allowed: agreement_not_evaluated, place_not_evaluated, shift_not_evaluated")
    }

    @Test func everythingInOrderIsAllowedWithoutNotes() {
        let decision = Self.decide()
        #expect(decision.allowed)
        #expect(decision.notes.isEmpty)
        #expect(decision.summary == "allowed")
        #expect(Self.decide(agreement: .notRequired, shift: .notRequired).summary == "allowed")
    }

    @Test func aNoncompliantDeviceIsDenied() {
        let decision = Self.decide(.approved, .inService, .noncompliant)
        #expect(!decision.allowed)
        #expect(decision.denials == .noncompliant)
        #expect(decision.denialReasons.map(\.code) == ["noncompliant"])
        #expect(decision.summary == "denied: noncompliant")
        #expect(Self.decide(.approved, .inService, .notEvaluated).summary == "denied: compliance_not_evaluated")
    }

    @Test func aDeviceInItsGracePeriodKeepsAccessWithANote() {
        let decision = Self.decide(.approved, .inService, .inGracePeriod)
        #expect(decision.allowed)
        #expect(decision.notes == .inGracePeriod)
        #expect(decision.summary == "allowed: in_grace_period")
        // The grace note stays on a decision denied for another reason, which the summary shows instead.
        let offShift = Self.decide(.approved, .inService, .inGracePeriod, shift: .offShift)
        #expect(!offShift.allowed)
        #expect(offShift.notes.contains(.inGracePeriod))
        #expect(offShift.summary == "denied: off_shift")
    }

    @Test func emergencyAccessOverridesComplianceAgreementPlaceAndShift() {
        let denied = Self.decide(
            .approved, .inService, .noncompliant, agreement: .missing, place: .outside, shift: .offShift)
        #expect(denied.summary == "denied: noncompliant, agreement_missing, outside_facility, off_shift")
        let overridden = Self.decide(
            .approved, .inService, .noncompliant, agreement: .missing, place: .outside, shift: .offShift, emergency: .active)
        #expect(overridden.allowed)
        #expect(overridden.notes == .emergencyAccess)
        #expect(overridden.summary == "allowed: emergency_access")
        for compliance in [ComplianceState.notEvaluated, .noncompliant] {
            #expect(Self.decide(.approved, .inService, compliance, emergency: .active).allowed)
        }
        #expect(Self.decide(place: .stale, emergency: .active).allowed)
        // With nothing to override, the decision is an ordinary one.
        #expect(Self.decide(emergency: .active).summary == "allowed")
        #expect(Self.decide(.approved, .inService, .inGracePeriod, emergency: .active).summary
            == "allowed: in_grace_period")
    }

    @Test func emergencyAccessNeverOverridesCustodyApprovalOrSuspension() {
        let cases: [(AccessDecision, String)] = [
            (Self.decide(.approved, .lost, .noncompliant, emergency: .active), "lost"),
            (Self.decide(.approved, .stolen, .noncompliant, emergency: .active), "stolen"),
            (Self.decide(.approved, .retired, .noncompliant, emergency: .active), "retired"),
            (Self.decide(.denied, .inService, .noncompliant, emergency: .active), "device_denied"),
            (Self.decide(.approved, .inService, person: .suspended, .noncompliant, emergency: .active), "person_suspended"),
            (Self.decide(.pending, .inService, .noncompliant, emergency: .active), "pending_approval"),
        ]
        for (decision, code) in cases {
            #expect(!decision.allowed, "\(code)")
            #expect(decision.denialReasons.map(\.code).first == code)
            #expect(!decision.notes.contains(.emergencyAccess), "\(code)")
        }
        // Alone, each still denies under emergency access.
        #expect(Self.decide(.approved, .lost, emergency: .active).summary == "denied: lost")
        #expect(Self.decide(.pending, emergency: .active).summary == "denied: pending_approval")
        #expect(Self.decide(person: .suspended, emergency: .active).summary == "denied: person_suspended")
    }

    @Test func aNonPHIAppIsNeverBlockedByComplianceAgreementPlaceOrShift() {
        for compliance in ComplianceState.allCases {
            for agreement in AgreementInput.allCases {
                for place in PlaceInput.allCases {
                    for shift in ShiftInput.allCases {
                        let decision = Self.decide(
                            .approved, .inService, compliance, agreement: agreement, place: place, shift: shift, app: .nonPHI)
                        #expect(decision.allowed)
                        #expect(decision.summary == "allowed")
                        // A pending device reaches non-PHI apps too.
                        #expect(
                            Self.decide(.pending, .inService, compliance, agreement: agreement, place: place, shift: shift, app: .nonPHI)
                                .allowed)
                    }
                }
            }
        }
        // But the absolute denials hold for every app.
        #expect(Self.decide(.denied, app: .nonPHI).summary == "denied: device_denied")
        #expect(Self.decide(.approved, .stolen, app: .nonPHI).summary == "denied: stolen")
        #expect(Self.decide(person: .suspended, app: .nonPHI).summary == "denied: person_suspended")
    }

    @Test func anUnapprovedPHIAppIsAlwaysDeniedAndOtherwiseJudgedAsAPHIApp() {
        var checked = 0
        for input in Self.everyInput where input.app == .unapprovedPHI {
            let decision = AccessDecision.decide(input)
            #expect(!decision.allowed, "\(Self.describe(input))")
            #expect(decision.denials.contains(.appNotApproved), "\(Self.describe(input))")
            #expect(!decision.notes.contains(.emergencyAccess), "\(Self.describe(input))")
            // Everything else is what a PHI app gets without emergency access, which cannot help here.
            var asPHI = input
            asPHI.app = .phi
            asPHI.emergency = .none
            let phi = AccessDecision.decide(asPHI)
            #expect(decision.denials == phi.denials.union(.appNotApproved), "\(Self.describe(input))")
            #expect(decision.notes == phi.notes, "\(Self.describe(input))")
            checked += 1
        }
        #expect(checked == Self.everyInput.count / 3)
        #expect(Self.decide(app: .unapprovedPHI).summary == "denied: app_not_approved")
        #expect(Self.decide(app: .unapprovedPHI, emergency: .active).summary == "denied: app_not_approved")
        #expect(Self.decide(.pending, .inService, .noncompliant, app: .unapprovedPHI, emergency: .active).summary
            == "denied: pending_approval, noncompliant, app_not_approved")
        // An approved PHI app on the same device is allowed.
        #expect(Self.decide(app: .phi).allowed)
    }

    @Test func inputsNotEvaluatedNeverDeny() {
        // The modules not built yet, and a fix too inaccurate to tell, never take access away.
        for agreement in [AgreementInput.notEvaluated, .notRequired, .accepted] {
            for place in [PlaceInput.notEvaluated, .notRequired, .unknown, .inside, .visit] {
                for shift in [ShiftInput.notEvaluated, .notRequired, .onShift] {
                    let decision = Self.decide(agreement: agreement, place: place, shift: shift)
                    #expect(decision.allowed, "\(agreement) \(place) \(shift)")
                }
            }
        }
        let unknown = Self.decide(agreement: .notEvaluated, place: .unknown, shift: .notEvaluated)
        #expect(unknown.summary == "allowed: agreement_not_evaluated, place_unknown, shift_not_evaluated")
    }

    @Test func aPendingDeviceWaitsForApprovalBeforePHI() {
        #expect(Self.decide(.pending).summary == "denied: pending_approval")
        #expect(Self.decide(.pending, app: .nonPHI).allowed)
    }

    @Test func everyReasonIsListedInTheFixedOrder() {
        // Everything that can go wrong at once, emergency access included (which cannot help here).
        let worst = Self.decide(
            .denied, .stolen, person: .suspended, .noncompliant, agreement: .missing, place: .stale, shift: .offShift,
            emergency: .active)
        #expect(worst.denialReasons.map(\.code) == [
            "device_denied", "stolen", "person_suspended", "noncompliant", "agreement_missing", "place_stale", "off_shift",
        ])
        #expect(worst.summary == "denied: device_denied, stolen, person_suspended, noncompliant, agreement_missing, place_stale, off_shift")
        let pending = Self.decide(.pending, .retired, .notEvaluated, place: .outside)
        #expect(pending.summary == "denied: pending_approval, retired, compliance_not_evaluated, outside_facility")
        // Rebuilding a decision from flags inserted in any order lists them the same way.
        let shuffled = AccessDecision(
            denials: [.offShift, .lost, .pendingApproval, .noncompliant],
            notes: [.shiftNotEvaluated, .inGracePeriod, .placeUnknown])
        #expect(shuffled.denialReasons.map(\.code) == ["pending_approval", "lost", "noncompliant", "off_shift"])
        #expect(shuffled.noteReasons.map(\.code) == ["in_grace_period", "place_unknown", "shift_not_evaluated"])
        #expect(shuffled.summary == "denied: pending_approval, lost, noncompliant, off_shift")
        let notes = AccessDecision(denials: [], notes: AccessNotes(rawValue: (1 << 6) - 1))
        #expect(notes.summary == "allowed: in_grace_period, emergency_access, agreement_not_evaluated, place_not_evaluated, place_unknown, shift_not_evaluated")
    }

    @Test func everyFlagHasADistinctCodeAndAMessage() {
        let denialCodes = [
            "pending_approval", "device_denied", "lost", "stolen", "retired", "person_suspended", "compliance_not_evaluated",
            "noncompliant", "agreement_missing", "outside_facility", "place_stale", "visit_other_patient", "off_shift",
            "app_not_approved",
        ]
        #expect(AccessDenials.all.map(\.code) == denialCodes)
        #expect(Set(AccessDenials.all.map(\.code)).count == AccessDenials.all.count)
        #expect(Set(AccessDenials.all.map(\.flag.rawValue)).count == AccessDenials.all.count)
        #expect(Set(AccessDenials.all.map(\.message)).count == AccessDenials.all.count)
        for entry in AccessDenials.all {
            #expect(entry.flag.rawValue.nonzeroBitCount == 1, "\(entry.code)")
            #expect(!entry.message.isEmpty)
        }
        // The table covers every flag: together they are all fourteen bits.
        #expect(AccessDenials.all.reduce(AccessDenials()) { $0.union($1.flag) }.rawValue == (1 << 14) - 1)
        #expect(AccessDenials.absolute == [.deviceDenied, .lost, .stolen, .retired, .personSuspended, .appNotApproved])

        let noteCodes = [
            "in_grace_period", "emergency_access", "agreement_not_evaluated", "place_not_evaluated", "place_unknown",
            "shift_not_evaluated", "visit_scoped",
        ]
        #expect(AccessNotes.all.map(\.code) == noteCodes)
        #expect(Set(AccessNotes.all.map(\.flag.rawValue)).count == AccessNotes.all.count)
        #expect(Set(AccessNotes.all.map(\.message)).count == AccessNotes.all.count)
        for entry in AccessNotes.all {
            #expect(entry.flag.rawValue.nonzeroBitCount == 1, "\(entry.code)")
            #expect(!entry.message.isEmpty)
        }
        #expect(AccessNotes.all.reduce(AccessNotes()) { $0.union($1.flag) }.rawValue == (1 << 7) - 1)
        // A denial code never doubles as a note code.
        #expect(Set(denialCodes).isDisjoint(with: noteCodes))
        // Each reason carries its own flag's message.
        for entry in AccessDenials.all {
            let decision = AccessDecision(denials: entry.flag, notes: [])
            #expect(decision.denialReasons == [AccessReason(code: entry.code, message: entry.message)])
            #expect(decision.summary == "denied: \(entry.code)")
        }
    }

    @Test func decisionsSurviveAStoredRoundTrip() throws {
        for input in Self.everyInput.shuffled().prefix(200) {
            let decision = AccessDecision.decide(input)
            let denials = try JSONDecoder().decode(AccessDenials.self, from: JSONEncoder().encode(decision.denials))
            let notes = try JSONDecoder().decode(AccessNotes.self, from: JSONEncoder().encode(decision.notes))
            #expect(AccessDecision(denials: denials, notes: notes) == decision)
        }
    }

    @Test func aDevicesCustodyFollowsItsRetirement() {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var device = Device(
            id: .generate(at: now), personID: .generate(at: now), facilityID: nil, invitationID: .generate(at: now),
            ownership: .corporate, deviceClass: .phone, medicalKind: nil, platform: .ios, model: "iPhone 15",
            osVersion: "17.5", hardwareID: nil, name: nil, publicKey: "k", approval: .approved, enrolledAt: now,
            updatedAt: now)
        #expect(device.custody == .inService)
        let expected: [RetirementDisposition: DeviceCustody] = [
            .lost: .lost, .stolen: .stolen, .returned: .retired, .reassigned: .retired, .destroyed: .retired,
        ]
        for disposition in RetirementDisposition.allCases {
            device.retirement = Retirement(
                retiredAt: now, retiredBy: .generate(at: now), disposition: disposition, custodian: "IT", note: nil)
            #expect(device.custody == expected[disposition], "\(disposition)")
        }
    }
}

extension AppSensitivity {
    /// Whether the reference treats the app as one that handles PHI: approved or not.
    fileprivate var handlesPHI: Bool { self != .nonPHI }
}
