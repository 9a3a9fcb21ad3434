import Foundation
import Testing
@testable import VigilCore

/// Security policies, their precedence, the compliance evaluator with its grace periods, software
/// versions and policy validation.
@Suite struct ComplianceEvaluatorTests {
    /// 2026-11-29T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_795_953_600)
    static let day: TimeInterval = 86_400

    /// A well-kept phone's posture: iOS 17.5, patched 28 days ago, a 6-to-7-character passcode,
    /// encrypted, intact, locking after 2 minutes, agent 0.1.0.
    static func posture(
        osVersion: String = "17.5", securityPatchDate: String? = "2026-11-01", passcodeSet: Bool? = true,
        passcodeLengthClass: PasscodeLengthClass? = .medium, storageEncrypted: Bool? = true, jailbroken: Bool? = false,
        screenLockTimeoutSeconds: Int? = 120, agentVersion: String = "0.1.0"
    ) -> Posture {
        Posture(
            osVersion: osVersion, securityPatchDate: securityPatchDate, passcodeSet: passcodeSet,
            passcodeLengthClass: passcodeLengthClass, storageEncrypted: storageEncrypted, jailbroken: jailbroken,
            screenLockTimeoutSeconds: screenLockTimeoutSeconds, agentVersion: agentVersion, batteryPercent: 50)
    }

    static func device(
        ownership: Ownership = .corporate, deviceClass: DeviceClass = .phone, platform: Platform = .ios,
        model: String = "iPhone 15", posture: Posture? = ComplianceEvaluatorTests.posture(),
        lastSeenAt: Date? = ComplianceEvaluatorTests.now.addingTimeInterval(-3_600)
    ) -> Device {
        Device(
            id: .generate(at: now), personID: .generate(at: now), facilityID: nil, invitationID: .generate(at: now),
            ownership: ownership, deviceClass: deviceClass, medicalKind: deviceClass == .medicalDevice ? .cpap : nil,
            platform: platform, model: model, osVersion: posture?.osVersion ?? "1.0", hardwareID: nil, name: nil,
            publicKey: "key", approval: .approved, enrolledAt: now.addingTimeInterval(-30 * day),
            lastSeenAt: lastSeenAt, posture: posture, updatedAt: now)
    }

    static func policy(
        _ name: String, version: Int = 1, priority: Int = 0, scope: PolicyScope = PolicyScope(),
        _ requirements: PolicyRequirements, grace: Int? = nil, escalation: [EscalationStep]? = nil
    ) -> SecurityPolicy {
        SecurityPolicy(
            name: name, version: version, priority: priority, scope: scope, requirements: requirements,
            gracePeriodMinutes: grace, escalation: escalation)
    }

    static func evaluate(
        _ device: Device, _ policies: [SecurityPolicy], roles: Set<Role> = [.clinician],
        previous: ComplianceStatus = ComplianceStatus(state: .compliant), at time: Date = now
    ) -> ComplianceReport {
        ComplianceEvaluator(policies: PolicySet(policies)).evaluate(device, roles: roles, previous: previous, at: time)
    }

    static func result(_ report: ComplianceReport, _ kind: RequirementKind) -> RequirementResult? {
        report.results.first { $0.requirement == kind }
    }

    /// The field a validation error names, or `nil` when the policy is valid.
    static func failingField(_ policy: SecurityPolicy) -> String? {
        do {
            _ = try policy.validated()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            return "unexpected \(error)"
        }
    }

    // MARK: - Each requirement

    /// One requirement, a device that meets it and one that does not, with the value the failing
    /// device reports.
    struct Case: Sendable {
        let kind: RequirementKind
        let requirements: PolicyRequirements
        let passing: Device
        let passingActual: String?
        let failing: Device
        let failingActual: String?
    }

    static let cases: [Case] = [
        Case(
            kind: .minimumOSVersion, requirements: PolicyRequirements(minimumOSVersion: [.ios: "17.4"]),
            passing: device(posture: posture(osVersion: "17.10")), passingActual: "17.10",
            failing: device(posture: posture(osVersion: "17.3.1")), failingActual: "17.3.1"),
        Case(
            kind: .maximumPatchAgeDays, requirements: PolicyRequirements(maximumPatchAgeDays: 30),
            passing: device(posture: posture(securityPatchDate: "2026-10-30")), passingActual: "2026-10-30 (30 days ago)",
            failing: device(posture: posture(securityPatchDate: "2026-10-29")), failingActual: "2026-10-29 (31 days ago)"),
        Case(
            kind: .passcodeRequired, requirements: PolicyRequirements(passcodeRequired: true),
            passing: device(), passingActual: "set",
            failing: device(posture: posture(passcodeSet: false, passcodeLengthClass: PasscodeLengthClass.none)),
            failingActual: "not set"),
        Case(
            kind: .minimumPasscodeLength, requirements: PolicyRequirements(minimumPasscodeLength: 6),
            passing: device(), passingActual: "6 to 7 characters",
            failing: device(posture: posture(passcodeLengthClass: .short)), failingActual: "1 to 5 characters"),
        Case(
            kind: .storageEncryptionRequired, requirements: PolicyRequirements(storageEncryptionRequired: true),
            passing: device(), passingActual: "encrypted",
            failing: device(posture: posture(storageEncrypted: false)), failingActual: "not encrypted"),
        Case(
            kind: .jailbreakForbidden, requirements: PolicyRequirements(jailbreakForbidden: true),
            passing: device(), passingActual: "intact",
            failing: device(posture: posture(jailbroken: true)), failingActual: "jailbroken or rooted"),
        Case(
            kind: .maximumScreenLockSeconds, requirements: PolicyRequirements(maximumScreenLockSeconds: 300),
            passing: device(posture: posture(screenLockTimeoutSeconds: 300)), passingActual: "300 seconds",
            failing: device(posture: posture(screenLockTimeoutSeconds: 301)), failingActual: "301 seconds"),
        Case(
            kind: .minimumAgentVersion, requirements: PolicyRequirements(minimumAgentVersion: "0.2.0"),
            passing: device(posture: posture(agentVersion: "0.10.0")), passingActual: "0.10.0",
            failing: device(posture: posture(agentVersion: "0.1.9")), failingActual: "0.1.9"),
        Case(
            kind: .approvedModels, requirements: PolicyRequirements(approvedModels: ["Pixel 8", "iPhone 15"]),
            passing: device(model: "IPHONE 15"), passingActual: "IPHONE 15",
            failing: device(model: "iPhone 12"), failingActual: "iPhone 12"),
        Case(
            kind: .maximumDaysSinceCheckIn, requirements: PolicyRequirements(maximumDaysSinceCheckIn: 7),
            passing: device(lastSeenAt: now.addingTimeInterval(-7 * day)), passingActual: "7 days ago",
            failing: device(lastSeenAt: now.addingTimeInterval(-8 * day)), failingActual: "8 days ago"),
    ]

    @Test func theCasesCoverEveryRequirementKind() {
        #expect(Set(Self.cases.map(\.kind)) == Set(RequirementKind.allCases))
    }

    @Test(arguments: ComplianceEvaluatorTests.cases.indices)
    func eachRequirementPassesAndFailsWithTheDevicesValue(_ index: Int) {
        let test = Self.cases[index]
        let policy = Self.policy("strict", version: 3, test.requirements, grace: 0)
        let reference = PolicyReference(name: "strict", version: 3)

        let pass = Self.evaluate(test.passing, [policy])
        #expect(pass.status == ComplianceStatus(state: .compliant))
        #expect(pass.results.count == 1)
        let passed = Self.result(pass, test.kind)
        #expect(passed?.outcome == .pass)
        #expect(passed?.actual == test.passingActual)
        #expect(passed?.policy == reference)
        #expect(passed?.expected.isEmpty == false)
        #expect(pass.failures.isEmpty)
        #expect(pass.policies == [reference])

        let fail = Self.evaluate(test.failing, [policy])
        #expect(fail.status.state == .noncompliant)
        #expect(fail.results.count == 1)
        let failed = Self.result(fail, test.kind)
        #expect(failed?.outcome == .fail)
        #expect(failed?.actual == test.failingActual)
        #expect(failed?.policy == reference)
        #expect(failed?.expected == passed?.expected)
        #expect(fail.failures.map(\.requirement) == [test.kind])
    }

    @Test func theExpectedValuesReadAsPolicyTerms() {
        let everything = PolicyRequirements(
            minimumOSVersion: [.ios: "17.4"], maximumPatchAgeDays: 30, passcodeRequired: true, minimumPasscodeLength: 6,
            storageEncryptionRequired: true, jailbreakForbidden: true, maximumScreenLockSeconds: 300,
            minimumAgentVersion: "0.2.0", approvedModels: ["Pixel 8", "iPhone 15"], maximumDaysSinceCheckIn: 7)
        let report = Self.evaluate(Self.device(), [Self.policy("all", everything)])
        let expected: [RequirementKind: String] = [
            .minimumOSVersion: "at least 17.4", .maximumPatchAgeDays: "patched within 30 days",
            .passcodeRequired: "a passcode is set", .minimumPasscodeLength: "at least 6 characters",
            .storageEncryptionRequired: "storage encrypted", .jailbreakForbidden: "not jailbroken or rooted",
            .maximumScreenLockSeconds: "locks within 300 seconds", .minimumAgentVersion: "at least 0.2.0",
            .approvedModels: "one of Pixel 8, iPhone 15", .maximumDaysSinceCheckIn: "checked in within 7 days",
        ]
        #expect(report.results.count == RequirementKind.allCases.count)
        #expect(Set(report.results.map(\.requirement)) == Set(RequirementKind.allCases))
        for result in report.results {
            #expect(result.expected == expected[result.requirement], "\(result.requirement)")
        }
        // Only the agent version fails.
        #expect(report.failures.map(\.requirement) == [.minimumAgentVersion])
    }

    @Test func passcodeLengthBandsCompareByTheirShortestPasscode() {
        let policy = Self.policy("p", PolicyRequirements(minimumPasscodeLength: 8))
        let outcomes = PasscodeLengthClass.allCases.map {
            Self.result(Self.evaluate(Self.device(posture: Self.posture(passcodeLengthClass: $0)), [policy]), .minimumPasscodeLength)?.outcome
        }
        #expect(outcomes == [.fail, .fail, .fail, .pass, .pass])
        // A 7-character minimum is not proven by the 6-to-7 band: it may hold a 6-character passcode.
        let seven = Self.policy("p", PolicyRequirements(minimumPasscodeLength: 7))
        #expect(Self.result(Self.evaluate(Self.device(), [seven]), .minimumPasscodeLength)?.outcome == .fail)
    }

    @Test func aScreenThatNeverLocksFails() {
        let policy = Self.policy("p", PolicyRequirements(maximumScreenLockSeconds: 300))
        let result = Self.result(Self.evaluate(Self.device(posture: Self.posture(screenLockTimeoutSeconds: 0)), [policy]), .maximumScreenLockSeconds)
        #expect(result?.outcome == .fail)
        #expect(result?.actual == "never locks")
    }

    @Test func requirementsSetToFalseAlwaysPass() {
        let lax = PolicyRequirements(passcodeRequired: false, storageEncryptionRequired: false, jailbreakForbidden: false)
        let device = Self.device(
            posture: Self.posture(passcodeSet: false, passcodeLengthClass: PasscodeLengthClass.none, storageEncrypted: false, jailbroken: true))
        let report = Self.evaluate(device, [Self.policy("lax", lax)])
        #expect(report.status.state == .compliant)
        #expect(report.results.count == 3)
        #expect(report.results.allSatisfy { $0.outcome == .pass })
    }

    // MARK: - Medical devices and missing values

    @Test func requirementsThatMeanNothingToAMedicalDeviceAreSkipped() {
        let notForMedical: Set<RequirementKind> = [.passcodeRequired, .minimumPasscodeLength, .maximumScreenLockSeconds, .jailbreakForbidden]
        for kind in RequirementKind.allCases {
            #expect(kind.applies(to: .medicalDevice) == !notForMedical.contains(kind), "\(kind)")
            for deviceClass in DeviceClass.allCases where deviceClass != .medicalDevice {
                #expect(kind.applies(to: deviceClass), "\(kind) \(deviceClass)")
            }
        }
        let everything = PolicyRequirements(
            minimumOSVersion: [.embedded: "2.0"], maximumPatchAgeDays: 90, passcodeRequired: true, minimumPasscodeLength: 6,
            storageEncryptionRequired: true, jailbreakForbidden: true, maximumScreenLockSeconds: 300,
            minimumAgentVersion: "0.1.0", approvedModels: ["ResMed AirSense 11"], maximumDaysSinceCheckIn: 2)
        // A CPAP machine reports no passcode, screen lock or jailbreak.
        let cpap = Self.device(
            ownership: .patientIssued, deviceClass: .medicalDevice, platform: .embedded, model: "ResMed AirSense 11",
            posture: Self.posture(
                osVersion: "2.3", passcodeSet: nil, passcodeLengthClass: nil, storageEncrypted: true, jailbroken: nil,
                screenLockTimeoutSeconds: nil))
        let report = Self.evaluate(cpap, [Self.policy("baseline", everything)], roles: [.patient])
        #expect(report.status == ComplianceStatus(state: .compliant))
        #expect(report.results.count == RequirementKind.allCases.count)
        for result in report.results {
            #expect(result.outcome == (notForMedical.contains(result.requirement) ? .skipped : .pass), "\(result.requirement)")
            #expect(result.policy == PolicyReference(name: "baseline", version: 1))
        }
        // Skipped requirements stay skipped whatever the device reports; the others still fail.
        var broken = cpap
        broken.posture = Self.posture(osVersion: "1.9", passcodeSet: false, jailbroken: true, screenLockTimeoutSeconds: 0)
        broken.model = "Unknown Pump"
        let failing = Self.evaluate(broken, [Self.policy("baseline", everything)], roles: [.patient])
        #expect(Set(failing.failures.map(\.requirement)) == [.minimumOSVersion, .approvedModels])
        #expect(failing.results.filter { $0.outcome == .skipped }.count == notForMedical.count)
    }

    @Test func anApplicableRequirementWithNothingReportedFails() {
        let everything = PolicyRequirements(
            minimumOSVersion: [.ios: "17.0"], maximumPatchAgeDays: 90, passcodeRequired: true, minimumPasscodeLength: 6,
            storageEncryptionRequired: true, jailbreakForbidden: true, maximumScreenLockSeconds: 300,
            minimumAgentVersion: "0.1.0", maximumDaysSinceCheckIn: 7)
        let silent = Self.device(
            posture: Posture(osVersion: "unknown", agentVersion: "dev build"), lastSeenAt: nil)
        let report = Self.evaluate(silent, [Self.policy("baseline", everything)])
        #expect(report.status.state == .noncompliant)
        #expect(report.results.count == 9)
        for result in report.results {
            #expect(result.outcome == .fail, "\(result.requirement) must fail closed")
        }
        for kind in [RequirementKind.maximumPatchAgeDays, .passcodeRequired, .minimumPasscodeLength, .storageEncryptionRequired,
                     .jailbreakForbidden, .maximumScreenLockSeconds, .maximumDaysSinceCheckIn] {
            #expect(Self.result(report, kind)?.actual == nil, "\(kind)")
        }
        #expect(Self.result(report, .minimumOSVersion)?.actual == "unknown")
        #expect(Self.result(report, .minimumAgentVersion)?.actual == "dev build")
        // Each one alone fails too.
        for kind in [RequirementKind.maximumPatchAgeDays, .passcodeRequired, .minimumPasscodeLength, .storageEncryptionRequired,
                     .jailbreakForbidden, .maximumScreenLockSeconds] {
            var posture = Self.posture()
            switch kind {
            case .maximumPatchAgeDays: posture.securityPatchDate = nil
            case .passcodeRequired: posture.passcodeSet = nil
            case .minimumPasscodeLength: posture.passcodeLengthClass = nil
            case .storageEncryptionRequired: posture.storageEncrypted = nil
            case .jailbreakForbidden: posture.jailbroken = nil
            default: posture.screenLockTimeoutSeconds = nil
            }
            let alone = Self.evaluate(Self.device(posture: posture), [Self.policy("baseline", everything)])
            #expect(alone.failures.map(\.requirement) == [kind])
        }
    }

    // MARK: - Precedence

    static let layered: [SecurityPolicy] = [
        policy(
            "baseline", priority: 1_000,
            PolicyRequirements(
                minimumOSVersion: [.ios: "17.0", .android: "14"], maximumPatchAgeDays: 90, maximumScreenLockSeconds: 300),
            grace: 1_440, escalation: [EscalationStep(afterMinutes: 0, action: .notify)]),
        policy(
            "byod-any", priority: -1_000, scope: PolicyScope(ownership: [.byod]),
            PolicyRequirements(maximumScreenLockSeconds: 180)),
        policy(
            "byod-phones", scope: PolicyScope(ownership: [.byod], deviceClass: [.phone]),
            PolicyRequirements(minimumOSVersion: [.ios: "18.0"], maximumScreenLockSeconds: 120), grace: 240,
            escalation: [EscalationStep(afterMinutes: 240, action: .selectiveWipe)]),
    ]

    @Test func theMostSpecificPolicyWinsEachRequirement() {
        let screen = Self.posture(osVersion: "18.1", screenLockTimeoutSeconds: 150)
        for policies in [Self.layered, Self.layered.reversed(), [Self.layered[1], Self.layered[2], Self.layered[0]]] {
            // A personal phone: byod+phone beats byod-only beats the baseline, whatever their priorities.
            let phone = Self.evaluate(Self.device(ownership: .byod, posture: screen), policies)
            let lock = Self.result(phone, .maximumScreenLockSeconds)
            #expect(lock?.policy.name == "byod-phones")
            #expect(lock?.expected == "locks within 120 seconds")
            #expect(lock?.outcome == .fail)
            #expect(Self.result(phone, .minimumOSVersion)?.policy.name == "byod-phones")
            #expect(Self.result(phone, .minimumOSVersion)?.expected == "at least 18.0")
            // The patch age is not set by either BYOD policy: it falls through to the baseline.
            #expect(Self.result(phone, .maximumPatchAgeDays)?.policy.name == "baseline")
            #expect(phone.policies.map(\.name) == ["byod-phones", "byod-any", "baseline"])
            #expect(phone.gracePeriodMinutes == 240)
            #expect(phone.escalation == [EscalationStep(afterMinutes: 240, action: .selectiveWipe)])

            // A personal tablet: byod-only beats the baseline.
            let tablet = Self.evaluate(Self.device(ownership: .byod, deviceClass: .tablet, platform: .ios, posture: screen), policies)
            #expect(Self.result(tablet, .maximumScreenLockSeconds)?.policy.name == "byod-any")
            #expect(Self.result(tablet, .maximumScreenLockSeconds)?.outcome == .pass)
            #expect(Self.result(tablet, .minimumOSVersion)?.policy.name == "baseline")
            #expect(tablet.policies.map(\.name) == ["byod-any", "baseline"])
            // byod-any sets no grace period or escalation, so the baseline's apply.
            #expect(tablet.gracePeriodMinutes == 1_440)
            #expect(tablet.escalation == [EscalationStep(afterMinutes: 0, action: .notify)])

            // A corporate phone: only the baseline.
            let corporate = Self.evaluate(Self.device(posture: screen), policies)
            #expect(Set(corporate.results.map(\.policy.name)) == ["baseline"])
            #expect(Self.result(corporate, .maximumScreenLockSeconds)?.outcome == .pass)
            #expect(corporate.policies.map(\.name) == ["baseline"])
        }
    }

    @Test func theOSMinimumIsTheDevicesPlatformsOnly() {
        // byod-phones sets an iOS minimum only: an Android phone takes the baseline's Android minimum.
        let android = Self.device(ownership: .byod, platform: .android, model: "Pixel 8", posture: Self.posture(osVersion: "13"))
        let report = Self.evaluate(android, Self.layered)
        let os = Self.result(report, .minimumOSVersion)
        #expect(os?.policy.name == "baseline")
        #expect(os?.expected == "at least 14")
        #expect(os?.actual == "13")
        #expect(os?.outcome == .fail)
        let effective = ComplianceEvaluator(policies: PolicySet(Self.layered)).effectivePolicy(for: android, roles: [.clinician])
        #expect(effective.requirements.minimumOSVersion == [.android: "14"])
        #expect(effective.sources[.minimumOSVersion] == PolicyReference(name: "baseline", version: 1))
        // A platform no policy names has no OS requirement at all.
        let windows = Self.device(ownership: .byod, deviceClass: .pc, platform: .windows, model: "ThinkPad", posture: Self.posture(osVersion: "10.0.19045"))
        #expect(Self.result(Self.evaluate(windows, Self.layered), .minimumOSVersion) == nil)
    }

    @Test func priorityThenNameBreakTiesBetweenEquallySpecificPolicies() {
        let scope = PolicyScope(ownership: [.byod], deviceClass: [.phone])
        let low = Self.policy("aaa-low", priority: 0, scope: scope, PolicyRequirements(maximumScreenLockSeconds: 60))
        let high = Self.policy("zzz-high", priority: 10, scope: scope, PolicyRequirements(maximumScreenLockSeconds: 200))
        let phone = Self.device(ownership: .byod)
        for policies in [[low, high], [high, low]] {
            let report = Self.evaluate(phone, policies)
            #expect(Self.result(report, .maximumScreenLockSeconds)?.policy.name == "zzz-high")
            #expect(report.policies.map(\.name) == ["zzz-high", "aaa-low"])
        }
        let alpha = Self.policy("alpha", priority: 5, scope: scope, PolicyRequirements(maximumScreenLockSeconds: 60), grace: 10)
        let beta = Self.policy("beta", priority: 5, scope: scope, PolicyRequirements(maximumScreenLockSeconds: 200), grace: 20)
        for policies in [[alpha, beta], [beta, alpha]] {
            let report = Self.evaluate(phone, policies)
            #expect(Self.result(report, .maximumScreenLockSeconds)?.policy.name == "alpha")
            #expect(report.gracePeriodMinutes == 10)
            #expect(PolicySet(policies).ordered.map(\.name) == ["alpha", "beta"])
        }
        // Specificity beats priority: a global policy of the highest priority loses to a narrower one.
        let global = Self.policy("global", priority: 1_000, PolicyRequirements(maximumScreenLockSeconds: 600))
        let narrow = Self.policy("narrow", priority: -1_000, scope: PolicyScope(role: [.clinician]), PolicyRequirements(maximumScreenLockSeconds: 30))
        #expect(PolicySet([global, narrow]).ordered.map(\.name) == ["narrow", "global"])
        #expect(Self.result(Self.evaluate(phone, [global, narrow]), .maximumScreenLockSeconds)?.policy.name == "narrow")
    }

    @Test func aScopeMatchesAPersonByAnyOfTheirRoles() {
        let wards = Self.policy(
            "ward-staff", scope: PolicyScope(role: [.clinician, .nurseManager]), PolicyRequirements(maximumScreenLockSeconds: 60))
        let device = Self.device()
        #expect(Self.evaluate(device, [wards], roles: [.admin, .nurseManager]).policies.map(\.name) == ["ward-staff"])
        #expect(Self.evaluate(device, [wards], roles: [.clinician]).policies.map(\.name) == ["ward-staff"])
        #expect(Self.evaluate(device, [wards], roles: [.patient]).policies.isEmpty)
        #expect(Self.evaluate(device, [wards], roles: []).policies.isEmpty)
        // Every listed dimension must match.
        let scope = PolicyScope(ownership: [.corporate, .shared], deviceClass: [.tablet], role: [.clinician])
        #expect(scope.matches(ownership: .shared, deviceClass: .tablet, roles: [.clinician, .admin]))
        #expect(!scope.matches(ownership: .byod, deviceClass: .tablet, roles: [.clinician]))
        #expect(!scope.matches(ownership: .shared, deviceClass: .phone, roles: [.clinician]))
        #expect(!scope.matches(ownership: .shared, deviceClass: .tablet, roles: [.admin]))
        #expect(PolicyScope().matches(ownership: .patientOwned, deviceClass: .wearable, roles: []))
        #expect(scope.specificity == 3)
        #expect(PolicyScope(role: [.admin]).specificity == 1)
        #expect(PolicyScope().specificity == 0)
    }

    // MARK: - Grace periods

    @Test func aFailingDeviceMovesFromGraceToNoncompliantAndBack() {
        let policy = Self.policy(
            "baseline", PolicyRequirements(maximumScreenLockSeconds: 300), grace: 60,
            escalation: [EscalationStep(afterMinutes: 60, action: .blockPHI)])
        let failing = Self.device(posture: Self.posture(screenLockTimeoutSeconds: 900))
        let start = Self.now

        // First failure: in grace until an hour from now.
        let first = Self.evaluate(failing, [policy], previous: ComplianceStatus(state: .compliant), at: start)
        #expect(first.status == ComplianceStatus(state: .inGracePeriod, failingSince: start, graceUntil: start.addingTimeInterval(3_600)))
        #expect(first.status.isFailing)
        #expect(first.gracePeriodMinutes == 60)
        #expect(first.escalation == [EscalationStep(afterMinutes: 60, action: .blockPHI)])

        // Still in grace a minute before it ends; the start of the failure is kept.
        let later = Self.evaluate(failing, [policy], previous: first.status, at: start.addingTimeInterval(59 * 60))
        #expect(later.status == first.status)

        // At the end of the grace period, and after it: noncompliant, since the original failure.
        for minutes in [60.0, 61, 600] {
            let after = Self.evaluate(failing, [policy], previous: later.status, at: start.addingTimeInterval(minutes * 60))
            #expect(after.status == ComplianceStatus(state: .noncompliant, failingSince: start, graceUntil: start.addingTimeInterval(3_600)))
        }
        let noncompliant = Self.evaluate(failing, [policy], previous: later.status, at: start.addingTimeInterval(7_200))
        let stillFailing = Self.evaluate(failing, [policy], previous: noncompliant.status, at: start.addingTimeInterval(86_400))
        #expect(stillFailing.status.failingSince == start)
        #expect(stillFailing.status.state == .noncompliant)

        // Fixed: compliant, with no failure on record.
        let fixed = Self.evaluate(Self.device(), [policy], previous: stillFailing.status, at: start.addingTimeInterval(90_000))
        #expect(fixed.status == ComplianceStatus(state: .compliant))
        #expect(fixed.status.failingSince == nil)
        #expect(fixed.status.graceUntil == nil)
        #expect(!fixed.status.isFailing)

        // Failing again later starts a fresh grace period.
        let again = start.addingTimeInterval(100_000)
        let relapse = Self.evaluate(failing, [policy], previous: fixed.status, at: again)
        #expect(relapse.status == ComplianceStatus(state: .inGracePeriod, failingSince: again, graceUntil: again.addingTimeInterval(3_600)))
    }

    @Test func withoutAGracePeriodAFailingDeviceIsNoncompliantAtOnce() {
        let failing = Self.device(posture: Self.posture(storageEncrypted: false))
        for grace in [0, nil] as [Int?] {
            let policy = Self.policy("strict", PolicyRequirements(storageEncryptionRequired: true), grace: grace)
            let report = Self.evaluate(failing, [policy], previous: .notEvaluated)
            #expect(report.status == ComplianceStatus(state: .noncompliant, failingSince: Self.now, graceUntil: Self.now))
            #expect(report.gracePeriodMinutes == 0)
        }
    }

    @Test func aDeviceWithoutPostureIsNotEvaluated() {
        let report = Self.evaluate(Self.device(posture: nil), Self.layered, previous: ComplianceStatus(state: .compliant))
        #expect(report.status == .notEvaluated)
        #expect(report.status.state == .notEvaluated)
        #expect(report.results.isEmpty)
        #expect(report.policies.map(\.name) == ["baseline"])
        #expect(report.gracePeriodMinutes == 1_440)
    }

    @Test func aDeviceNoPolicyGovernsIsCompliantWithNothingToShow() {
        let onlyBYOD = Array(Self.layered.dropFirst())
        let report = Self.evaluate(Self.device(), onlyBYOD)
        #expect(report.status == ComplianceStatus(state: .compliant))
        #expect(report.results.isEmpty)
        #expect(report.policies.isEmpty)
        #expect(report.escalation.isEmpty)
        #expect(Self.evaluate(Self.device(), []).status == ComplianceStatus(state: .compliant))
    }

    @Test func aPrecomposedEffectivePolicyGivesTheSameReport() {
        let evaluator = ComplianceEvaluator(policies: PolicySet(Self.layered))
        let device = Self.device(ownership: .byod, posture: Self.posture(screenLockTimeoutSeconds: 150))
        let effective = evaluator.effectivePolicy(for: device, roles: [.clinician])
        #expect(
            evaluator.evaluate(device, roles: [.clinician], previous: .notEvaluated, at: Self.now, effective: effective)
                == evaluator.evaluate(device, roles: [.clinician], previous: .notEvaluated, at: Self.now))
        #expect(effective.escalationSource?.name == "byod-phones")
        #expect(effective.matchingPolicies.map(\.name) == ["byod-phones", "byod-any", "baseline"])
    }

    // MARK: - Software versions

    @Test func versionsCompareAsNumbersPartByPart() throws {
        func v(_ text: String) throws -> SoftwareVersion { try #require(SoftwareVersion(text)) }
        #expect(try v("17.10") > v("17.9"))
        #expect(try v("14") == v("14.0"))
        #expect(try v("14") == v("14.0.0"))
        #expect(try !(v("14") < v("14.0")) && !(v("14.0") < v("14")))
        #expect(try v("10.0.22631") > v("10.0.19045"))
        #expect(try v("10.0.19045") < v("10.0.22631"))
        #expect(try v("17.5-beta") == v("17.5"))
        #expect(try v("17.5.1 (21F90)") == v("17.5.1"))
        #expect(try v("17.5.1 (21F90)").parts == [17, 5, 1])
        #expect(try v("2") > v("1.99.99"))
        #expect(try v("0.1.0") < v("0.10.0"))
        #expect(try v("007.1") == v("7.1"))
        #expect(try v("17.10").description == "17.10")
        #expect(try v("1.2.3.4.5.6.7.8").parts.count == 8)
        for garbage in ["", "abc", "v17", ".5", " 17", "-1", "latest", "1.2.3.4.5.6.7.8.9", "99999999999"] {
            #expect(SoftwareVersion(garbage) == nil, "\(garbage)")
        }
        let sorted = try ["17.10", "9", "17.9.1", "17.9", "10.0.22631", "10.0.19045"].map(v).sorted()
        #expect(sorted.map(\.description) == ["9", "10.0.19045", "10.0.22631", "17.9", "17.9.1", "17.10"])
    }

    // MARK: - Validation

    static let valid = policy(
        "byod-phones", priority: 10, scope: PolicyScope(ownership: [.byod], deviceClass: [.phone]),
        PolicyRequirements(
            minimumOSVersion: [.ios: "17.0", .android: "14"], maximumPatchAgeDays: 60, minimumPasscodeLength: 6,
            maximumScreenLockSeconds: 120, minimumAgentVersion: "0.1.0", approvedModels: ["Pixel 8"],
            maximumDaysSinceCheckIn: 7),
        grace: 240, escalation: [EscalationStep(afterMinutes: 0, action: .notify)])

    @Test func aValidPolicyPasses() throws {
        #expect(Self.failingField(Self.valid) == nil)
        #expect(try Self.valid.validated() == Self.valid)
    }

    @Test func validationNamesTheFieldAtFault() {
        func with(_ change: (inout SecurityPolicy) -> Void) -> SecurityPolicy {
            var policy = Self.valid
            change(&policy)
            return policy
        }
        let cases: [(SecurityPolicy, String)] = [
            (with { $0.name = "Bad Name" }, "name"),
            (with { $0.name = "" }, "name"),
            (with { $0.name = "1st-policy" }, "name"),
            (with { $0.name = "byod.phones" }, "name"),
            (with { $0.name = "a" + String(repeating: "b", count: 64) }, "name"),
            (with { $0.description = "   " }, "description"),
            (with { $0.priority = 1_001 }, "priority"),
            (with { $0.priority = -1_001 }, "priority"),
            (with { $0.scope.ownership = [] }, "scope.ownership"),
            (with { $0.scope.deviceClass = [] }, "scope.deviceClass"),
            (with { $0.scope.role = [] }, "scope.role"),
            (with { $0.requirements.maximumPatchAgeDays = 3_651 }, "requirements.maximumPatchAgeDays"),
            (with { $0.requirements.maximumPatchAgeDays = -1 }, "requirements.maximumPatchAgeDays"),
            (with { $0.requirements.minimumPasscodeLength = 0 }, "requirements.minimumPasscodeLength"),
            (with { $0.requirements.maximumScreenLockSeconds = 0 }, "requirements.maximumScreenLockSeconds"),
            (with { $0.requirements.maximumDaysSinceCheckIn = 0 }, "requirements.maximumDaysSinceCheckIn"),
            (with { $0.requirements.minimumOSVersion = [.ios: "latest"] }, "requirements.minimumOSVersion.ios"),
            (with { $0.requirements.minimumOSVersion = [.android: ""] }, "requirements.minimumOSVersion.android"),
            (with { $0.requirements.minimumAgentVersion = "x.y" }, "requirements.minimumAgentVersion"),
            (with { $0.requirements.approvedModels = [] }, "requirements.approvedModels"),
            (with { $0.requirements.approvedModels = ["Pixel 8", " "] }, "requirements.approvedModels[1]"),
            (with { $0.gracePeriodMinutes = 43_201 }, "gracePeriodMinutes"),
            (with { $0.gracePeriodMinutes = -1 }, "gracePeriodMinutes"),
            (with { $0.escalation = Array(repeating: EscalationStep(afterMinutes: 0, action: .notify), count: 9) }, "escalation"),
            (with { $0.escalation = [EscalationStep(afterMinutes: 0, action: .notify), EscalationStep(afterMinutes: -1, action: .lock)] },
             "escalation[1].afterMinutes"),
        ]
        for (policy, field) in cases {
            #expect(Self.failingField(policy) == field, "expected \(field)")
        }
        // The limits themselves are accepted.
        let limits = with {
            $0.priority = -1_000
            $0.requirements.maximumPatchAgeDays = 0
            $0.gracePeriodMinutes = SecurityPolicy.maximumGracePeriodMinutes
            $0.escalation = Array(repeating: EscalationStep(afterMinutes: 525_600, action: .notify), count: SecurityPolicy.maximumEscalationSteps)
            $0.name = "a" + String(repeating: "b", count: 63)
        }
        #expect(Self.failingField(limits) == nil)
    }

    @Test func validationSortsEscalationAndScopesAndTrimsTexts() throws {
        var policy = Self.valid
        policy.escalation = [
            EscalationStep(afterMinutes: 4_320, action: .lock), EscalationStep(afterMinutes: 0, action: .notify),
            EscalationStep(afterMinutes: 1_440, action: .blockPHI),
        ]
        policy.scope = PolicyScope(ownership: [.shared, .byod, .shared], role: [.nurseManager, .clinician])
        policy.requirements.minimumOSVersion = [.ios: " 17.0 "]
        policy.requirements.minimumAgentVersion = "0.2.0\n"
        policy.requirements.approvedModels = ["  Pixel 8 "]
        policy.description = "  Personal phones. "
        let checked = try policy.validated()
        #expect(checked.escalation?.map(\.afterMinutes) == [0, 1_440, 4_320])
        #expect(checked.escalation?.map(\.action) == [.notify, .blockPHI, .lock])
        #expect(checked.scope.ownership == [.byod, .shared])
        #expect(checked.scope.role == [.clinician, .nurseManager])
        #expect(checked.scope.deviceClass == nil)
        #expect(checked.requirements.minimumOSVersion == [.ios: "17.0"])
        #expect(checked.requirements.minimumAgentVersion == "0.2.0")
        #expect(checked.requirements.approvedModels == ["Pixel 8"])
        #expect(checked.description == "Personal phones.")
    }

    @Test func policiesCompareByContentWhateverTheirVersion() {
        var next = Self.valid
        next.version = 7
        #expect(next.hasSameContent(as: Self.valid))
        next.priority = 11
        #expect(!next.hasSameContent(as: Self.valid))
    }
}
