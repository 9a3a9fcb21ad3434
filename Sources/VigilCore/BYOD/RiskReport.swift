import Foundation

/// One device's risk, with what a report shows beside it.
public struct DeviceRisk: Codable, Sendable, Equatable {
    /// The device.
    public let deviceID: DeviceID
    /// Its person.
    public let personID: PersonID
    /// Who owns the hardware.
    public let ownership: Ownership
    /// What kind of hardware it is.
    public let deviceClass: DeviceClass
    /// Its score and the factors behind it.
    public let risk: RiskScore

    /// Describes a device's risk.
    public init(
        deviceID: DeviceID, personID: PersonID, ownership: Ownership, deviceClass: DeviceClass, risk: RiskScore
    ) {
        self.deviceID = deviceID
        self.personID = personID
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.risk = risk
    }

    /// Assesses a device read for evaluation.
    /// - Parameters:
    ///   - subject: The device, its person's affiliation and its recorded evaluation.
    ///   - phiAppIDs: The identifiers of the catalog's apps that handle PHI.
    ///   - now: The moment of the assessment.
    public init(subject: EvaluationSubject, phiAppIDs: Set<String>, at now: Date) {
        let device = subject.device
        self.init(
            deviceID: device.id, personID: device.personID, ownership: device.ownership,
            deviceClass: device.deviceClass,
            risk: RiskScore.assess(RiskInputs(subject: subject, phiAppIDs: phiAppIDs), at: now))
    }

    /// Whether `self` comes before `other` in a list of top risks: the higher score first, then
    /// the lower device ID.
    public func ranks(above other: DeviceRisk) -> Bool {
        (risk.score, other.deviceID) > (other.risk.score, deviceID)
    }
}

/// How many devices fall in each risk band.
public struct RiskBandCounts: Codable, Sendable, Equatable {
    /// Scores 0 to 24.
    public var low: Int
    /// Scores 25 to 49.
    public var moderate: Int
    /// Scores 50 to 74.
    public var high: Int
    /// Scores 75 to 100.
    public var critical: Int

    /// Counts, zero unless told otherwise.
    public init(low: Int = 0, moderate: Int = 0, high: Int = 0, critical: Int = 0) {
        self.low = low
        self.moderate = moderate
        self.high = high
        self.critical = critical
    }

    /// The count of one band.
    public subscript(band: RiskBand) -> Int {
        get {
            switch band {
            case .low: low
            case .moderate: moderate
            case .high: high
            case .critical: critical
            }
        }
        set {
            switch band {
            case .low: low = newValue
            case .moderate: moderate = newValue
            case .high: high = newValue
            case .critical: critical = newValue
            }
        }
    }
}

/// The fleet's risk figures of one day (UTC), kept for the trend.
public struct RiskSnapshot: Codable, Sendable, Equatable {
    /// The day, `YYYY-MM-DD` in UTC.
    public let day: String
    /// How many active devices were assessed.
    public let devices: Int
    /// The mean score, to one decimal; 0 without devices.
    public let meanScore: Double
    /// How many devices fell in each band.
    public let bands: RiskBandCounts

    /// Describes a day's figures.
    public init(day: String, devices: Int, meanScore: Double, bands: RiskBandCounts) {
        self.day = day
        self.devices = devices
        self.meanScore = meanScore
        self.bands = bands
    }

    /// The UTC day of `time`, `YYYY-MM-DD`.
    public static func day(of time: Date) -> String { String(RFC3339.format(time).prefix(10)) }
}

/// The fleet's risk, gathered one device at a time: the counts per band, the mean, and the top
/// risks, so that a fleet of any size is reported without keeping every device's factors.
public struct RiskTally: Sendable, Equatable {
    /// How many top risks are kept.
    public let topLimit: Int
    /// How many devices were added.
    public private(set) var devices = 0
    /// How many fell in each band.
    public private(set) var bands = RiskBandCounts()
    /// The highest risks, at most ``topLimit``, highest first (ties by device ID).
    public private(set) var top: [DeviceRisk] = []
    private var totalScore = 0

    /// An empty tally.
    /// - Parameter topLimit: How many top risks to keep; 0 keeps none.
    public init(keepingTop topLimit: Int) {
        self.topLimit = max(0, topLimit)
    }

    /// Counts a device.
    public mutating func add(_ risk: DeviceRisk) {
        devices += 1
        totalScore += risk.risk.score
        bands[risk.risk.band] += 1
        guard topLimit > 0, top.count < topLimit || risk.ranks(above: top[top.count - 1]) else { return }
        top.insert(risk, at: top.firstIndex { risk.ranks(above: $0) } ?? top.count)
        if top.count > topLimit { top.removeLast() }
    }

    /// The mean score, to one decimal; 0 without devices.
    public var meanScore: Double {
        devices == 0 ? 0 : (Double(totalScore) * 10 / Double(devices)).rounded() / 10
    }

    /// The tally's figures as the snapshot of `day`.
    public func snapshot(day: String) -> RiskSnapshot {
        RiskSnapshot(day: day, devices: devices, meanScore: meanScore, bands: bands)
    }
}

/// The organization's risk report: counts per band, the mean, the top risks with their reasons,
/// and the trend of the days before with today's figures last.
public struct RiskReport: Codable, Sendable, Equatable {
    /// When the report was computed.
    public let generatedAt: Date
    /// How many active devices were assessed.
    public let devices: Int
    /// Their mean score, to one decimal.
    public let meanScore: Double
    /// How many fell in each band.
    public let bands: RiskBandCounts
    /// The highest risks, highest first (ties by device ID), with their factors.
    public let top: [DeviceRisk]
    /// One snapshot per recorded day, oldest first, ending with today's computed figures.
    public let trend: [RiskSnapshot]

    /// The most top risks a report lists.
    public static let maximumTop = 100
    /// The most days a trend covers.
    public static let maximumTrendDays = 366

    /// The report of a tally.
    /// - Parameters:
    ///   - tally: The fleet's figures now.
    ///   - history: Recorded snapshots; any of today or later is replaced by today's figures.
    ///   - now: The moment of the report.
    public init(tally: RiskTally, history: [RiskSnapshot], at now: Date) {
        let today = RiskSnapshot.day(of: now)
        self.generatedAt = now
        self.devices = tally.devices
        self.meanScore = tally.meanScore
        self.bands = tally.bands
        self.top = tally.top
        self.trend = history.filter { $0.day < today }.sorted { $0.day < $1.day } + [tally.snapshot(day: today)]
    }

    /// The report of a list of risks.
    /// - Parameters:
    ///   - risks: Every device's risk.
    ///   - top: How many top risks to list.
    ///   - history: Recorded snapshots, as in ``init(tally:history:at:)``.
    ///   - now: The moment of the report.
    public init(risks: [DeviceRisk], top: Int, history: [RiskSnapshot], at now: Date) {
        var tally = RiskTally(keepingTop: top)
        for risk in risks { tally.add(risk) }
        self.init(tally: tally, history: history, at: now)
    }

    /// The first and last day of a trend of `days` days ending on the day of `now`.
    public static func trendDays(_ days: Int, endingAt now: Date) -> (first: String, last: String) {
        (RiskSnapshot.day(of: now.addingTimeInterval(-Double(max(1, days) - 1) * 86_400)), RiskSnapshot.day(of: now))
    }
}
