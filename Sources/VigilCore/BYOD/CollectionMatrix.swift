import Foundation

/// What Vigil may collect from a device, by ownership and field (`docs/byod.md`, "What the
/// hospital may see").
///
/// A field that may ``CollectionLevel/never`` be collected is dropped when the request arrives:
/// it never reaches the database or the logs. A ``CollectionLevel/hidden`` field is kept but shown
/// only to security officers (for incident response) and to the device's own person.
public struct CollectionMatrix: Codable, Sendable, Equatable {
    /// The level of each field for each ownership; a missing entry takes ``defaults``' level.
    public private(set) var levels: [Ownership: [CollectedField: CollectionLevel]]

    /// A matrix with `levels` over the defaults.
    public init(_ levels: [Ownership: [CollectedField: CollectionLevel]] = [:]) {
        var merged = Self.defaultLevels
        for (ownership, fields) in levels { merged[ownership, default: [:]].merge(fields) { $1 } }
        self.levels = merged
    }

    /// The level of `field` for devices of `ownership`.
    public func level(of field: CollectedField, for ownership: Ownership) -> CollectionLevel {
        levels[ownership]?[field] ?? Self.defaultLevels[ownership]?[field] ?? .never
    }

    /// Whether `field` is stored at all for devices of `ownership`.
    public func collects(_ field: CollectedField, for ownership: Ownership) -> Bool {
        level(of: field, for: ownership) != .never
    }

    /// `facts` with every field that devices of `ownership` may never give removed.
    public func collectable(_ facts: DeviceFacts, for ownership: Ownership) -> DeviceFacts {
        var facts = facts
        if !collects(.serialNumber, for: ownership) { facts.hardwareID = nil }
        if !collects(.deviceName, for: ownership) { facts.name = nil }
        if !collects(.phoneNumber, for: ownership) { facts.phoneNumber = nil }
        if !collects(.hardwareIdentifiers, for: ownership) { facts.hardwareIdentifiers = nil }
        return facts
    }

    /// `posture` with every fact that devices of `ownership` may never give removed: the precise
    /// location and the personal apps. Apply it to a check-in before anything else reads it
    /// (validation included), so that a fact that may not be collected is never checked, stored
    /// or logged.
    public func collectable(_ posture: Posture, for ownership: Ownership) -> Posture {
        posture.removing(neverCollected(for: ownership))
    }

    /// The defaults: hospital-owned devices report everything (a patient-issued device's place
    /// and phone number hidden); personal devices never report precise location, personal apps,
    /// phone number, serial number or hardware IDs.
    public static let defaults = CollectionMatrix()

    private static let defaultLevels: [Ownership: [CollectedField: CollectionLevel]] = {
        let everything = Dictionary(uniqueKeysWithValues: CollectedField.allCases.map { ($0, CollectionLevel.collect) })
        var personal = Dictionary(uniqueKeysWithValues: CollectedField.allCases.map { ($0, CollectionLevel.never) })
        personal[.deviceName] = .collect
        var patientIssued = everything
        patientIssued[.preciseLocation] = .hidden
        patientIssued[.phoneNumber] = .hidden
        var patientOwned = personal
        patientOwned[.deviceName] = .hidden
        return [
            .corporate: everything, .shared: everything, .patientIssued: patientIssued, .byod: personal,
            .patientOwned: patientOwned,
        ]
    }()

    public init(from decoder: any Decoder) throws {
        let raw = try [String: [String: CollectionLevel]](from: decoder)
        var levels: [Ownership: [CollectedField: CollectionLevel]] = [:]
        for (ownershipName, fields) in raw {
            guard let ownership = Ownership(rawValue: ownershipName) else {
                throw ValidationError(field: ownershipName, message: "is not an ownership")
            }
            for (fieldName, level) in fields {
                guard let field = CollectedField(rawValue: fieldName) else {
                    throw ValidationError(
                        field: "\(ownershipName).\(fieldName)",
                        message: "is not a collected field (\(CollectedField.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                levels[ownership, default: [:]][field] = level
            }
        }
        self.init(levels)
    }

    public func encode(to encoder: any Encoder) throws {
        var raw: [String: [String: CollectionLevel]] = [:]
        for ownership in Ownership.allCases {
            raw[ownership.rawValue] = Dictionary(
                uniqueKeysWithValues: CollectedField.allCases.map { ($0.rawValue, level(of: $0, for: ownership)) })
        }
        try raw.encode(to: encoder)
    }
}

/// A fact about a device that the collection matrix governs.
public enum CollectedField: String, Codable, CaseIterable, Sendable {
    /// Latitude and longitude reported at check-in.
    case preciseLocation
    /// The device's phone number.
    case phoneNumber
    /// The apps the person installed themselves (not managed by Vigil).
    case personalApps
    /// The manufacturer's serial number.
    case serialNumber
    /// Other hardware identifiers: IMEI, MEID, Wi-Fi MAC address.
    case hardwareIdentifiers
    /// The name the person gave the device, such as "Priya's phone".
    case deviceName

    /// How the field is called on a privacy page.
    public var title: String {
        switch self {
        case .preciseLocation: "Precise location"
        case .phoneNumber: "Phone number"
        case .personalApps: "Personal apps installed"
        case .serialNumber: "Serial number"
        case .hardwareIdentifiers: "Hardware identifiers (IMEI, MAC address)"
        case .deviceName: "Device name"
        }
    }
}

/// How far Vigil collects a field.
public enum CollectionLevel: String, Codable, CaseIterable, Sendable {
    /// Collected, and shown to administrators.
    case collect
    /// Collected, but shown only to security officers and the device's person.
    case hidden = "collect_hidden"
    /// Never collected: dropped on arrival.
    case never
}

extension CollectionMatrix {
    /// The fields each ownership collected under `old` and may never give under this matrix:
    /// what must be erased from the devices of that ownership when this matrix replaces `old`.
    public func fieldsNoLongerCollected(since old: CollectionMatrix) -> [Ownership: Set<CollectedField>] {
        var erased: [Ownership: Set<CollectedField>] = [:]
        for ownership in Ownership.allCases {
            let fields = neverCollected(for: ownership).subtracting(old.neverCollected(for: ownership))
            if !fields.isEmpty { erased[ownership] = fields }
        }
        return erased
    }
}
