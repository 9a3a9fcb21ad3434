import Foundation

/// A device's risk, from 0 to 100, with the factors that make it up (`docs/byod.md`, "Risk and
/// liability"). The points are in ``RiskFactorCode``, the caps in ``RiskFactorGroup``.
public struct RiskScore: Codable, Sendable, Equatable {
    /// The score: every group's points, each group capped, the total capped at ``maximum``.
    public let score: Int
    /// The band the score falls in.
    public let band: RiskBand
    /// Every factor found, the heaviest first (then in the order of ``RiskFactorCode``), with
    /// the points each is worth before its group's cap.
    public let factors: [RiskFactor]

    /// The highest score.
    public static let maximum = 100

    /// Scores a device from its factors.
    /// - Parameter factors: The factors found, in any order.
    public init(factors: [RiskFactor]) {
        var total = 0
        for group in RiskFactorGroup.allCases {
            total += min(group.cap, factors.filter { $0.group == group }.reduce(0) { $0 + $1.points })
        }
        self.score = min(Self.maximum, total)
        self.band = RiskBand(score: score)
        self.factors = factors.sorted { ($1.points, $0.code.rank) < ($0.points, $1.code.rank) }
    }

    /// Assesses a device.
    /// - Parameters:
    ///   - inputs: What the score reads.
    ///   - now: The moment of the assessment, for the check-in's and the patch's age.
    /// - Returns: The score, its band and its factors.
    public static func assess(_ inputs: RiskInputs, at now: Date) -> RiskScore {
        RiskScore(
            factors: postureFactors(inputs, at: now) + kindFactors(inputs) + checkInFactors(inputs, at: now)
                + personFactors(inputs))
    }

    static func postureFactors(_ inputs: RiskInputs, at now: Date) -> [RiskFactor] {
        var found: [RiskFactor] = []
        if let posture = inputs.posture {
            if posture.jailbroken == true {
                found.append(RiskFactor(.jailbroken, "The device is jailbroken or rooted"))
            }
            if posture.passcodeSet == false { found.append(RiskFactor(.passcodeMissing, "No passcode is set")) }
            if posture.storageEncrypted == false {
                found.append(RiskFactor(.storageUnencrypted, "Storage is not encrypted"))
            }
            if let seconds = posture.screenLockTimeoutSeconds {
                if seconds == 0 {
                    found.append(RiskFactor(.screenNeverLocks, "The screen never locks"))
                } else if seconds > RiskFormula.slowScreenLockSeconds {
                    found.append(RiskFactor(.screenLockSlow, "The screen locks only after \(seconds) seconds"))
                }
            }
            if let patch = posture.securityPatchDate, let age = CivilDate.daysBetween(patch, and: now),
                age > RiskFormula.outdatedPatchDays
            {
                found.append(RiskFactor(.securityPatchOutdated, "The security patch of \(patch) is \(age) days old"))
            }
        }
        let failing = inputs.failingRequirements == 1 ? "1 requirement" : "\(inputs.failingRequirements) requirements"
        switch inputs.compliance {
        case .compliant: break
        case .noncompliant: found.append(RiskFactor(.noncompliant, "Noncompliant: fails \(failing) of its policy"))
        case .inGracePeriod:
            found.append(RiskFactor(.inGracePeriod, "In its grace period: fails \(failing) of its policy"))
        case .notEvaluated: found.append(RiskFactor(.notEvaluated, "Never evaluated against a security policy"))
        }
        return found
    }

    static func kindFactors(_ inputs: RiskInputs) -> [RiskFactor] {
        var found: [RiskFactor] = []
        switch inputs.ownership {
        case .byod: found.append(RiskFactor(.personalDevice, "A personal device (BYOD)"))
        case .patientOwned: found.append(RiskFactor(.personalDevice, "A patient's own device"))
        case .shared: found.append(RiskFactor(.sharedDevice, "A device shared by whoever is on shift"))
        case .corporate, .patientIssued: break
        }
        switch inputs.deviceClass {
        case .phone, .tablet, .wearable:
            found.append(RiskFactor(.mobileDevice, "A \(inputs.deviceClass.rawValue), carried and easily lost"))
        case .medicalDevice: found.append(RiskFactor(.medicalDevice, "A medical device"))
        case .pc: break
        }
        if inputs.phiApps > 0 {
            let apps = inputs.phiApps == 1 ? "1 managed app" : "\(inputs.phiApps) managed apps"
            found.append(RiskFactor(.phiApps, "\(apps) handling PHI installed"))
        }
        return found
    }

    static func checkInFactors(_ inputs: RiskInputs, at now: Date) -> [RiskFactor] {
        func days(since time: Date) -> Int { Int(max(0, now.timeIntervalSince(time)) / 86_400) }
        func text(_ days: Int) -> String { days == 1 ? "1 day ago" : "\(days) days ago" }
        guard let lastSeenAt = inputs.lastSeenAt else {
            let enrolled = text(days(since: inputs.enrolledAt))
            return [RiskFactor(.neverCheckedIn, "Never checked in since it enrolled \(enrolled)")]
        }
        let elapsed = now.timeIntervalSince(lastSeenAt)
        let detail = "Last check-in \(text(days(since: lastSeenAt)))"
        for (code, limit) in [
            (RiskFactorCode.checkInLapsed, RiskFormula.lapsedCheckInDays),
            (.checkInStale, RiskFormula.staleCheckInDays), (.checkInLate, RiskFormula.lateCheckInDays),
        ] where elapsed > Double(limit * 86_400) {
            return [RiskFactor(code, detail)]
        }
        return []
    }

    static func personFactors(_ inputs: RiskInputs) -> [RiskFactor] {
        var found: [RiskFactor] = []
        switch inputs.custody {
        case .lost: found.append(RiskFactor(.lost, "Reported lost"))
        case .stolen: found.append(RiskFactor(.stolen, "Reported stolen"))
        case .inService, .retired: break
        }
        switch inputs.affiliation {
        case .affiliatedClinician:
            found.append(
                RiskFactor(.ownerAffiliatedClinician, "Its person is an affiliated clinician, not an employee"))
        case .contractor: found.append(RiskFactor(.ownerContractor, "Its person is a contractor"))
        case .patient: found.append(RiskFactor(.ownerPatient, "Its person is a patient"))
        case .employee: break
        }
        return found
    }
}

/// One reason for a device's risk.
public struct RiskFactor: Codable, Sendable, Equatable {
    /// What was found; stable, for programs.
    public let code: RiskFactorCode
    /// The group whose cap it counts against.
    public let group: RiskFactorGroup
    /// What it is worth before its group's cap.
    public let points: Int
    /// What was found, for people, such as "Last check-in 12 days ago".
    public let detail: String

    /// A factor with the points and group of `code`.
    public init(_ code: RiskFactorCode, _ detail: String) {
        self.code = code
        self.group = code.group
        self.points = code.points
        self.detail = detail
    }
}

/// The band a risk score falls in.
public enum RiskBand: String, Codable, CaseIterable, Sendable {
    /// 0 to 24.
    case low
    /// 25 to 49.
    case moderate
    /// 50 to 74.
    case high
    /// 75 to 100.
    case critical

    /// The lowest score in the band.
    public var lowestScore: Int {
        switch self {
        case .low: 0
        case .moderate: 25
        case .high: 50
        case .critical: 75
        }
    }

    /// The band of `score`.
    public init(score: Int) {
        self = Self.allCases.last { score >= $0.lowestScore } ?? .low
    }
}
