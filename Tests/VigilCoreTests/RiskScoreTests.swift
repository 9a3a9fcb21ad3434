import Foundation
import Testing
import VigilCore

/// The risk score's formula (`docs/byod.md`, "Risk and liability"): every factor, the caps, the
/// bands' edges, and the report's ordering and counts.
@Suite struct RiskScoreTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
    static let day: TimeInterval = 86_400

    /// A well-kept posture: no posture factor.
    static let goodPosture = Posture(
        osVersion: "17.5", securityPatchDate: RiskSnapshot.day(of: now.addingTimeInterval(-10 * day)),
        passcodeSet: true, passcodeLengthClass: .medium, storageEncrypted: true, jailbroken: false,
        screenLockTimeoutSeconds: 120, agentVersion: "0.1.0")

    /// A device with no risk at all: a corporate PC of an employee, compliant, seen an hour ago.
    static let clean = RiskInputs(
        ownership: .corporate, deviceClass: .pc, posture: goodPosture, compliance: .compliant,
        lastSeenAt: now.addingTimeInterval(-3_600), enrolledAt: now.addingTimeInterval(-90 * day))

    static func assess(_ change: (inout RiskInputs) -> Void) -> RiskScore {
        var inputs = clean
        change(&inputs)
        return RiskScore.assess(inputs, at: now)
    }

    static func posture(_ change: (inout Posture) -> Void) -> Posture {
        var posture = goodPosture
        change(&posture)
        return posture
    }

    @Test func aCleanDeviceScoresZero() {
        let risk = RiskScore.assess(Self.clean, at: Self.now)
        #expect(risk.score == 0 && risk.band == .low && risk.factors.isEmpty)
    }

    /// One change to the clean device, and the one factor it must bring.
    struct Case: Sendable, CustomStringConvertible {
        let code: RiskFactorCode
        let points: Int
        let detail: String
        let change: @Sendable (inout RiskInputs) -> Void
        var description: String { code.rawValue }
    }

    static let cases: [Case] = [
        Case(code: .jailbroken, points: 30, detail: "The device is jailbroken or rooted") {
            $0.posture = posture { $0.jailbroken = true }
        },
        Case(code: .passcodeMissing, points: 15, detail: "No passcode is set") {
            $0.posture = posture { $0.passcodeSet = false }
        },
        Case(code: .storageUnencrypted, points: 15, detail: "Storage is not encrypted") {
            $0.posture = posture { $0.storageEncrypted = false }
        },
        Case(code: .screenNeverLocks, points: 10, detail: "The screen never locks") {
            $0.posture = posture { $0.screenLockTimeoutSeconds = 0 }
        },
        Case(code: .screenLockSlow, points: 5, detail: "The screen locks only after 901 seconds") {
            $0.posture = posture { $0.screenLockTimeoutSeconds = 901 }
        },
        Case(code: .securityPatchOutdated, points: 10, detail: "The security patch of 2026-08-19 is 91 days old") {
            $0.posture = posture { $0.securityPatchDate = RiskSnapshot.day(of: now.addingTimeInterval(-91 * day)) }
        },
        Case(code: .noncompliant, points: 20, detail: "Noncompliant: fails 3 requirements of its policy") {
            $0.compliance = .noncompliant
            $0.failingRequirements = 3
        },
        Case(code: .inGracePeriod, points: 10, detail: "In its grace period: fails 1 requirement of its policy") {
            $0.compliance = .inGracePeriod
            $0.failingRequirements = 1
        },
        Case(code: .notEvaluated, points: 10, detail: "Never evaluated against a security policy") {
            $0.compliance = .notEvaluated
        },
        Case(code: .personalDevice, points: 10, detail: "A personal device (BYOD)") { $0.ownership = .byod },
        Case(code: .personalDevice, points: 10, detail: "A patient's own device") { $0.ownership = .patientOwned },
        Case(code: .sharedDevice, points: 5, detail: "A device shared by whoever is on shift") { $0.ownership = .shared },
        Case(code: .mobileDevice, points: 5, detail: "A phone, carried and easily lost") { $0.deviceClass = .phone },
        Case(code: .mobileDevice, points: 5, detail: "A tablet, carried and easily lost") { $0.deviceClass = .tablet },
        Case(code: .mobileDevice, points: 5, detail: "A wearable, carried and easily lost") { $0.deviceClass = .wearable },
        Case(code: .medicalDevice, points: 10, detail: "A medical device") { $0.deviceClass = .medicalDevice },
        Case(code: .phiApps, points: 10, detail: "2 managed apps handling PHI installed") { $0.phiApps = 2 },
        Case(code: .checkInLate, points: 5, detail: "Last check-in 1 day ago") {
            $0.lastSeenAt = now.addingTimeInterval(-day - 1)
        },
        Case(code: .checkInStale, points: 15, detail: "Last check-in 7 days ago") {
            $0.lastSeenAt = now.addingTimeInterval(-7 * day - 1)
        },
        Case(code: .checkInStale, points: 15, detail: "Last check-in 12 days ago") {
            $0.lastSeenAt = now.addingTimeInterval(-12 * day)
        },
        Case(code: .checkInLapsed, points: 25, detail: "Last check-in 30 days ago") {
            $0.lastSeenAt = now.addingTimeInterval(-30 * day - 1)
        },
        Case(code: .neverCheckedIn, points: 10, detail: "Never checked in since it enrolled 90 days ago") {
            $0.lastSeenAt = nil
        },
        Case(code: .lost, points: 25, detail: "Reported lost") { $0.custody = .lost },
        Case(code: .stolen, points: 35, detail: "Reported stolen") { $0.custody = .stolen },
        Case(
            code: .ownerAffiliatedClinician, points: 5,
            detail: "Its person is an affiliated clinician, not an employee"
        ) { $0.affiliation = .affiliatedClinician },
        Case(code: .ownerContractor, points: 5, detail: "Its person is a contractor") { $0.affiliation = .contractor },
        Case(code: .ownerPatient, points: 5, detail: "Its person is a patient") { $0.affiliation = .patient },
    ]

    @Test(arguments: cases)
    func everyFactorAddsItsPoints(_ example: Case) {
        let risk = Self.assess(example.change)
        #expect(risk.factors == [RiskFactor(example.code, example.detail)])
        #expect(risk.factors.first?.points == example.points)
        #expect(risk.score == example.points)
    }

    @Test func everyCodeHasACase() {
        #expect(Set(Self.cases.map(\.code)) == Set(RiskFactorCode.allCases))
    }

    @Test func nothingIsFoundAtTheThresholds() {
        // Exactly one day, a 15-minute lock, a patch exactly 90 days old: not yet.
        let risk = Self.assess {
            $0.lastSeenAt = Self.now.addingTimeInterval(-Self.day)
            $0.posture = Self.posture {
                $0.screenLockTimeoutSeconds = 900
                $0.securityPatchDate = RiskSnapshot.day(of: Self.now.addingTimeInterval(-90 * Self.day))
            }
        }
        #expect(risk.factors.isEmpty)
        let week = Self.assess { $0.lastSeenAt = Self.now.addingTimeInterval(-7 * Self.day) }
        #expect(week.factors.map(\.code) == [.checkInLate])
        let month = Self.assess { $0.lastSeenAt = Self.now.addingTimeInterval(-30 * Self.day) }
        #expect(month.factors.map(\.code) == [.checkInStale])
    }

    @Test func factsNotReportedAreNotPostureGaps() {
        // A medical device reports no passcode, encryption, jailbreak or screen lock.
        let silent = Posture(osVersion: "3.1", agentVersion: "0.1.0")
        let risk = Self.assess {
            $0.posture = silent
            $0.deviceClass = .medicalDevice
        }
        #expect(risk.factors.map(\.code) == [.medicalDevice])
        #expect(Self.assess { $0.posture = nil }.factors.isEmpty)
    }

    @Test func aGroupIsCappedButListsEveryFactor() {
        let risk = Self.assess {
            $0.posture = Self.posture {
                $0.jailbroken = true
                $0.passcodeSet = false
                $0.storageEncrypted = false
            }
            $0.compliance = .noncompliant
            $0.failingRequirements = 3
        }
        #expect(risk.factors.map(\.code) == [.jailbroken, .noncompliant, .passcodeMissing, .storageUnencrypted])
        #expect(risk.factors.map(\.points) == [30, 20, 15, 15])
        #expect(risk.score == RiskFactorGroup.posture.cap)
        #expect(risk.score == 50 && risk.band == .high)
    }

    @Test func groupsAddUpToTheTotalCap() {
        let personal = Self.assess {
            $0.ownership = .byod
            $0.deviceClass = .phone
            $0.phiApps = 1
            $0.lastSeenAt = Self.now.addingTimeInterval(-8 * Self.day)
            $0.affiliation = .affiliatedClinician
        }
        #expect(personal.score == 10 + 5 + 10 + 15 + 5)
        #expect(personal.band == .moderate)
        let worst = Self.assess {
            $0.posture = Self.posture {
                $0.jailbroken = true
                $0.storageEncrypted = false
            }
            $0.compliance = .noncompliant
            $0.ownership = .patientOwned
            $0.deviceClass = .medicalDevice
            $0.phiApps = 3
            $0.lastSeenAt = Self.now.addingTimeInterval(-40 * Self.day)
            $0.custody = .stolen
            $0.affiliation = .patient
        }
        // 50 + 10 + 10 + 10 + 25 + 35 + 5 = 145 before the total cap.
        #expect(worst.score == RiskScore.maximum && worst.band == .critical)
        #expect(worst.factors.first?.code == .stolen)
        #expect(worst.factors.count == 9)
        #expect(RiskFactorGroup.allCases.map(\.cap).reduce(0, +) > RiskScore.maximum)
    }

    @Test func everyFactorFitsItsGroupsCap() {
        for code in RiskFactorCode.allCases {
            #expect(code.points > 0 && code.points <= code.group.cap, "\(code)")
        }
    }

    @Test(arguments: [
        (0, RiskBand.low), (24, .low), (25, .moderate), (49, .moderate), (50, .high), (74, .high), (75, .critical),
        (100, .critical),
    ])
    func bandsHaveTheirEdges(_ score: Int, _ band: RiskBand) {
        #expect(RiskBand(score: score) == band)
    }

    @Test func inputsAreReadFromAnEvaluationSubject() {
        var posture = Self.goodPosture
        posture.managedApps = [
            ManagedApp(id: "org.hospital.ehr", version: "4.2"), ManagedApp(id: "com.example.game", version: "1"),
            ManagedApp(id: "org.hospital.pacs", version: "2"),
        ]
        let person = PersonID.generate(at: Self.now)
        let device = Device(
            id: .generate(at: Self.now), personID: person, facilityID: nil, invitationID: .generate(at: Self.now),
            ownership: .byod, deviceClass: .tablet, medicalKind: nil, platform: .ipados, model: "iPad", osVersion: "18",
            hardwareID: nil, name: nil, publicKey: "key", approval: .approved, compliance: .compliant,
            enrolledAt: Self.now.addingTimeInterval(-20 * Self.day), lastSeenAt: Self.now.addingTimeInterval(-2 * Self.day),
            posture: posture,
            retirement: Retirement(
                retiredAt: Self.now, retiredBy: person, disposition: .lost, custodian: "Security", note: nil),
            updatedAt: Self.now)
        let recorded = DeviceAccessState(
            compliance: ComplianceStatus(state: .inGracePeriod, failingSince: Self.now),
            failures: [.maximumScreenLockSeconds, .minimumOSVersion],
            decision: AccessDecision(denials: AccessDenials(rawValue: 0), notes: AccessNotes(rawValue: 0)),
            decisionChangedAt: Self.now, grantsRevokedAt: nil, evaluatedAt: Self.now, revision: 1)
        let subject = EvaluationSubject(
            device: device, roles: [.clinician], personStatus: .active, recorded: recorded, emergency: nil,
            affiliation: .contractor)
        let inputs = RiskInputs(subject: subject, phiAppIDs: ["org.hospital.ehr", "org.hospital.pacs", "org.other"])
        #expect(
            inputs
                == RiskInputs(
                    ownership: .byod, deviceClass: .tablet, posture: posture, compliance: .inGracePeriod,
                    failingRequirements: 2, phiApps: 2, lastSeenAt: device.lastSeenAt, enrolledAt: device.enrolledAt,
                    custody: .lost, affiliation: .contractor))
        let unrecorded = EvaluationSubject(
            device: device, roles: [], personStatus: .active, recorded: nil, emergency: nil)
        let fallback = RiskInputs(subject: unrecorded, phiAppIDs: [])
        #expect(fallback.compliance == .compliant && fallback.failingRequirements == 0 && fallback.phiApps == 0)

        let risk = DeviceRisk(subject: subject, phiAppIDs: ["org.hospital.ehr"], at: Self.now)
        #expect(risk.deviceID == device.id && risk.personID == person && risk.ownership == .byod)
        #expect(
            risk.risk.factors.map(\.code) == [.lost, .inGracePeriod, .personalDevice, .phiApps, .mobileDevice,
                .checkInLate, .ownerContractor])
        #expect(risk.risk.score == 25 + 10 + 10 + 10 + 5 + 5 + 5)
    }

    // MARK: The report

    static func risk(_ id: String, score: Int) -> DeviceRisk {
        // Factors worth exactly `score`, from single-factor groups.
        var factors: [RiskFactor] = []
        var left = score
        for code in [RiskFactorCode.stolen, .checkInLapsed, .personalDevice, .medicalDevice, .phiApps, .ownerPatient]
        where left >= code.points {
            factors.append(RiskFactor(code, code.rawValue))
            left -= code.points
        }
        let risk = RiskScore(factors: factors)
        precondition(risk.score == score, "no factors add up to \(score)")
        return DeviceRisk(
            deviceID: DeviceID(rawValue: "dev_\(id)"), personID: PersonID(rawValue: "per_\(id)"), ownership: .byod,
            deviceClass: .phone, risk: risk)
    }

    @Test func theReportCountsBandsAndRanksTheTopRisks() {
        let risks = [
            Self.risk("a", score: 10), Self.risk("e", score: 60), Self.risk("b", score: 95), Self.risk("d", score: 60),
            Self.risk("c", score: 35), Self.risk("f", score: 0), Self.risk("g", score: 75),
        ]
        let report = RiskReport(risks: risks, top: 4, history: [], at: Self.now)
        #expect(report.devices == 7)
        #expect(report.bands == RiskBandCounts(low: 2, moderate: 1, high: 2, critical: 2))
        #expect(report.meanScore == 47.9)  // 335 / 7 = 47.857…
        #expect(report.top.map(\.deviceID.rawValue) == ["dev_b", "dev_g", "dev_d", "dev_e"])
        #expect(
            report.top.first?.risk.factors.map(\.code)
                == [.stolen, .checkInLapsed, .personalDevice, .medicalDevice, .phiApps, .ownerPatient])
        #expect(report.generatedAt == Self.now)

        // The tally keeps the same top whatever the order it sees the devices in.
        #expect(RiskReport(risks: risks.reversed(), top: 4, history: [], at: Self.now).top == report.top)
        #expect(RiskReport(risks: risks, top: 100, history: [], at: Self.now).top.count == 7)
        #expect(RiskReport(risks: risks, top: 0, history: [], at: Self.now).top.isEmpty)
    }

    @Test func anEmptyFleetReportsZeros() {
        let report = RiskReport(risks: [], top: 10, history: [], at: Self.now)
        #expect(report.devices == 0 && report.meanScore == 0 && report.bands == RiskBandCounts() && report.top.isEmpty)
        let today = RiskSnapshot(day: RiskSnapshot.day(of: Self.now), devices: 0, meanScore: 0, bands: RiskBandCounts())
        #expect(report.trend == [today])
    }

    @Test func theTrendIsTheHistoryOldestFirstThenToday() {
        let today = RiskSnapshot.day(of: Self.now)
        let yesterday = RiskSnapshot.day(of: Self.now.addingTimeInterval(-Self.day))
        let older = RiskSnapshot.day(of: Self.now.addingTimeInterval(-5 * Self.day))
        let history = [
            RiskSnapshot(day: yesterday, devices: 3, meanScore: 20, bands: RiskBandCounts(low: 2, moderate: 1)),
            RiskSnapshot(day: today, devices: 9, meanScore: 80, bands: RiskBandCounts(critical: 9)),
            RiskSnapshot(day: older, devices: 2, meanScore: 12.5, bands: RiskBandCounts(low: 2)),
        ]
        let report = RiskReport(risks: [Self.risk("a", score: 60)], top: 1, history: history, at: Self.now)
        #expect(report.trend.map(\.day) == [older, yesterday, today])
        #expect(report.trend.last == RiskSnapshot(day: today, devices: 1, meanScore: 60, bands: RiskBandCounts(high: 1)))
        #expect(report.trend.first == history[2])
    }

    @Test func trendDaysEndToday() {
        let midnight = Date(timeIntervalSince1970: 1_795_132_800)  // 2026-11-20T00:00:00Z
        #expect(RiskSnapshot.day(of: midnight) == "2026-11-20")
        #expect(RiskSnapshot.day(of: midnight.addingTimeInterval(-0.001)) == "2026-11-19")
        #expect(RiskReport.trendDays(1, endingAt: midnight) == ("2026-11-20", "2026-11-20"))
        #expect(RiskReport.trendDays(30, endingAt: midnight.addingTimeInterval(86_399)) == ("2026-10-22", "2026-11-20"))
        #expect(RiskReport.trendDays(366, endingAt: midnight) == ("2025-11-20", "2026-11-20"))
    }

    @Test func snapshotsRoundTripAsJSON() throws {
        let snapshot = RiskSnapshot(
            day: "2026-11-20", devices: 4, meanScore: 31.3,
            bands: RiskBandCounts(low: 1, moderate: 2, high: 0, critical: 1))
        let data = try VigilJSON.makeEncoder().encode(snapshot)
        #expect(String(decoding: data, as: UTF8.self)
            == #"{"bands":{"critical":1,"high":0,"low":1,"moderate":2},"day":"2026-11-20","devices":4,"meanScore":31.3}"#)
        #expect(try VigilJSON.makeDecoder().decode(RiskSnapshot.self, from: data) == snapshot)
    }
}
