import Foundation

/// What a device reports about its security at each check-in.
///
/// Facts that do not apply to a device (a CPAP machine has no passcode) are left out (`nil`),
/// which policies treat as "not applicable", never as a failure.
public struct Posture: Codable, Sendable, Equatable {
    /// The operating system version, such as "17.5.1".
    public var osVersion: String
    /// The date of the latest security patch, `YYYY-MM-DD`.
    public var securityPatchDate: String?
    /// Whether a passcode (PIN, password, pattern) is set.
    public var passcodeSet: Bool?
    /// How long the passcode is.
    public var passcodeLengthClass: PasscodeLengthClass?
    /// Whether storage is encrypted.
    public var storageEncrypted: Bool?
    /// Whether the device is jailbroken or rooted.
    public var jailbroken: Bool?
    /// Seconds of inactivity before the screen locks (HIPAA automatic logoff); 0 means never.
    public var screenLockTimeoutSeconds: Int?
    /// The Vigil agent's version.
    public var agentVersion: String
    /// Battery charge, 0 to 100.
    public var batteryPercent: Int?
    /// The managed apps installed, with their versions.
    public var managedApps: [ManagedApp]
    /// Where the device is; kept only when the collection matrix collects precise location.
    public var location: PostureLocation?
    /// The identifiers of the apps the person installed themselves (not managed), at most
    /// ``maximumPersonalApps``; kept only when the collection matrix collects personal apps.
    public var personalApps: [String]?

    /// Describes a posture.
    public init(
        osVersion: String, securityPatchDate: String? = nil, passcodeSet: Bool? = nil,
        passcodeLengthClass: PasscodeLengthClass? = nil, storageEncrypted: Bool? = nil, jailbroken: Bool? = nil,
        screenLockTimeoutSeconds: Int? = nil, agentVersion: String, batteryPercent: Int? = nil,
        managedApps: [ManagedApp] = [], location: PostureLocation? = nil, personalApps: [String]? = nil
    ) {
        self.osVersion = osVersion
        self.securityPatchDate = securityPatchDate
        self.passcodeSet = passcodeSet
        self.passcodeLengthClass = passcodeLengthClass
        self.storageEncrypted = storageEncrypted
        self.jailbroken = jailbroken
        self.screenLockTimeoutSeconds = screenLockTimeoutSeconds
        self.agentVersion = agentVersion
        self.batteryPercent = batteryPercent
        self.managedApps = managedApps
        self.location = location
        self.personalApps = personalApps
    }

    /// Every fact but the battery level and the location, one per line, in a fixed order: what a
    /// posture history compares to tell a change from a repeat. A device that moves between
    /// check-ins reports a new place each time, which is not a change of its security.
    ///
    /// The personal apps, when reported, follow the managed apps after a line `personalApps`;
    /// that line has no `=`, which every managed app's line has, so no two postures share a text.
    public var lastingFacts: String {
        func text<Value>(_ value: Value?) -> String { value.map { "\($0)" } ?? "-" }
        let facts = [
            osVersion, text(securityPatchDate), text(passcodeSet), text(passcodeLengthClass?.rawValue),
            text(storageEncrypted), text(jailbroken), text(screenLockTimeoutSeconds), agentVersion,
        ] + managedApps.map { "\($0.id)=\($0.version)" } + (personalApps.map { ["personalApps"] + $0 } ?? [])
        return facts.joined(separator: "\n")
    }

    /// The most managed apps one check-in may list.
    public static let maximumManagedApps = 500

    /// The most personal apps one check-in may list.
    public static let maximumPersonalApps = 500

    /// Checks every field and returns the posture with its texts trimmed.
    /// - Throws: ``ValidationError`` naming the first field at fault.
    public func validated() throws -> Posture {
        var posture = self
        posture.osVersion = try Validate.text(osVersion, field: "osVersion", maximumLength: 64)
        posture.agentVersion = try Validate.text(agentVersion, field: "agentVersion", maximumLength: 32)
        if let date = securityPatchDate, !Self.isCalendarDate(date) {
            throw ValidationError(field: "securityPatchDate", message: "must be a date such as 2026-11-01")
        }
        if let seconds = screenLockTimeoutSeconds, !(0...86_400).contains(seconds) {
            throw ValidationError(field: "screenLockTimeoutSeconds", message: "must be between 0 and 86400")
        }
        if let percent = batteryPercent, !(0...100).contains(percent) {
            throw ValidationError(field: "batteryPercent", message: "must be between 0 and 100")
        }
        if passcodeSet == false, let length = passcodeLengthClass, length != .none {
            throw ValidationError(field: "passcodeLengthClass", message: "must be none when no passcode is set")
        }
        guard managedApps.count <= Self.maximumManagedApps else {
            throw ValidationError(field: "managedApps", message: "must list at most \(Self.maximumManagedApps) apps")
        }
        for (index, app) in managedApps.enumerated() {
            posture.managedApps[index] = ManagedApp(
                id: try Validate.text(app.id, field: "managedApps[\(index)].id", maximumLength: 200),
                version: try Validate.text(app.version, field: "managedApps[\(index)].version", maximumLength: 64))
        }
        posture.location = try location?.validated()
        if let apps = personalApps {
            guard apps.count <= Self.maximumPersonalApps else {
                throw ValidationError(field: "personalApps", message: "must list at most \(Self.maximumPersonalApps) apps")
            }
            posture.personalApps = try apps.enumerated().map { index, id in
                try Validate.text(id, field: "personalApps[\(index)]", maximumLength: 200)
            }
        }
        return posture
    }

    /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2,
            parts[2].count == 2, parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
            (1970...9999).contains(year), (1...12).contains(month)
        else { return false }
        return (1...CivilDate.daysIn(month: month, year: year)).contains(day)
    }
}

/// How long a passcode is, in bands, so that the exact length never leaves the device.
public enum PasscodeLengthClass: String, Codable, CaseIterable, Sendable {
    /// No passcode.
    case none
    /// 1 to 5 characters.
    case short
    /// 6 to 7 characters.
    case medium
    /// 8 to 11 characters.
    case long
    /// 12 characters or more.
    case veryLong = "very_long"

    /// The shortest passcode in the band, for comparison with a policy's minimum length.
    public var minimumLength: Int {
        switch self {
        case .none: 0
        case .short: 1
        case .medium: 6
        case .long: 8
        case .veryLong: 12
        }
    }

    /// The band a passcode of `length` characters falls in.
    public init(length: Int) {
        switch length {
        case ..<1: self = .none
        case 1...5: self = .short
        case 6...7: self = .medium
        case 8...11: self = .long
        default: self = .veryLong
        }
    }
}

/// A managed app installed on a device.
public struct ManagedApp: Codable, Sendable, Equatable {
    /// The app's bundle or package identifier, such as `org.hospital.ehr`.
    public var id: String
    /// Its installed version.
    public var version: String

    /// Names an installed app.
    public init(id: String, version: String) {
        self.id = id
        self.version = version
    }
}

/// One posture a device reported, kept in a hospital-owned device's history.
public struct PostureRecord: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "pos"

    /// Unique identifier, in the order the postures were recorded.
    public let id: Identifier<PostureRecord>
    /// The device.
    public let deviceID: DeviceID
    /// When it was reported.
    public let recordedAt: Date
    /// What was reported.
    public let posture: Posture

    /// Pairs a posture with its device and time.
    public init(id: Identifier<PostureRecord>, deviceID: DeviceID, recordedAt: Date, posture: Posture) {
        self.id = id
        self.deviceID = deviceID
        self.recordedAt = recordedAt
        self.posture = posture
    }
}
