import Foundation

/// The BYOD program's settings, kept as one versioned document: the approval rules for each kind
/// of personal device, and the collection matrix.
public struct BYODSettings: Codable, Sendable, Equatable {
    /// The approval rules of BYOD devices.
    public var byodApproval: ApprovalRules
    /// The approval rules of patients' own devices.
    public var patientOwnedApproval: ApprovalRules
    /// What may be collected from each kind of device.
    public var collection: CollectionMatrix
    /// Counts the changes, from 0 for the defaults that were never changed.
    public var version: Int

    /// Describes settings; the defaults are what Vigil does before anyone configures it.
    public init(
        byodApproval: ApprovalRules = ApprovalRules(), patientOwnedApproval: ApprovalRules = ApprovalRules(),
        collection: CollectionMatrix = .defaults, version: Int = 0
    ) {
        self.byodApproval = byodApproval
        self.patientOwnedApproval = patientOwnedApproval
        self.collection = collection
        self.version = version
    }

    /// The approval rules of devices of `ownership`; `nil` for hospital-owned devices, which are
    /// approved by their invitation.
    public func approvalRules(for ownership: Ownership) -> ApprovalRules? {
        switch ownership {
        case .byod: byodApproval
        case .patientOwned: patientOwnedApproval
        case .corporate, .shared, .patientIssued: nil
        }
    }

    /// Checks every rule.
    /// - Throws: ``ValidationError`` naming the field at fault.
    public func validated() throws -> BYODSettings {
        var settings = self
        settings.byodApproval = try byodApproval.validated(field: "byodApproval")
        settings.patientOwnedApproval = try patientOwnedApproval.validated(field: "patientOwnedApproval")
        // A personal device's coordinates are never stored (docs/geofencing.md, "Privacy"): only
        // the place derived from them is.
        for ownership in Ownership.allCases where !ownership.isHospitalOwned
            && collection.collects(.preciseLocation, for: ownership)
        {
            throw ValidationError(
                field: "collection.\(ownership.rawValue).preciseLocation",
                message: "must be never: a personal device's coordinates are never stored, only its place (inside or outside)")
        }
        return settings
    }

    /// Whether two settings say the same, whatever their versions.
    public func sameContent(as other: BYODSettings) -> Bool {
        var other = other
        other.version = version
        return self == other
    }

    /// The fields of the settings' JSON.
    public enum CodingKeys: String, CodingKey, CaseIterable { case byodApproval, patientOwnedApproval, collection, version }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        byodApproval = try container.decodeIfPresent(ApprovalRules.self, forKey: .byodApproval) ?? ApprovalRules()
        patientOwnedApproval =
            try container.decodeIfPresent(ApprovalRules.self, forKey: .patientOwnedApproval) ?? ApprovalRules()
        collection = try container.decodeIfPresent(CollectionMatrix.self, forKey: .collection) ?? .defaults
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 0
    }
}

extension BYODSettings {
    /// What changed from `old` to these settings, one entry per rule or matrix cell, such as
    /// `collection.byod.preciseLocation never → collect_hidden` or
    /// `byodApproval.maximumDevicesPerPerson 2 → 3`: what the audit trail records of a change, so
    /// that what was collected on any date can be told from the trail alone.
    public func changes(from old: BYODSettings) -> [String] {
        var changes: [String] = []
        for ownership in Ownership.allCases {
            for field in CollectedField.allCases {
                let before = old.collection.level(of: field, for: ownership)
                let after = collection.level(of: field, for: ownership)
                if before != after {
                    changes.append("collection.\(ownership.rawValue).\(field.rawValue) \(before.rawValue) → \(after.rawValue)")
                }
            }
        }
        for (name, before, after) in [
            ("byodApproval", old.byodApproval, byodApproval),
            ("patientOwnedApproval", old.patientOwnedApproval, patientOwnedApproval),
        ] {
            changes += after.changes(from: before).map { "\(name).\($0)" }
        }
        return changes
    }

    /// The audit reason of replacing `old` with these settings: their version and every change
    /// (``changes(from:)``), cut at 2,000 characters (a change of every cell of the matrix fits).
    public func changeReason(from old: BYODSettings) -> String {
        let reason = "version \(version): " + changes(from: old).joined(separator: "; ")
        return reason.count <= 2_000 ? reason : String(reason.prefix(1_999)) + "…"
    }
}

extension ApprovalRules {
    /// Each rule that differs from `old`, as `rule before → after` (model lists by their size).
    func changes(from old: ApprovalRules) -> [String] {
        func platforms(_ set: Set<Platform>) -> String { "[" + set.map(\.rawValue).sorted().joined(separator: ", ") + "]" }
        func versions(_ map: [Platform: String]) -> String {
            "{" + map.map { "\($0.key.rawValue): \($0.value)" }.sorted().joined(separator: ", ") + "}"
        }
        func limit(_ value: Int?) -> String { value.map(String.init) ?? "none" }
        var changes: [String] = []
        if old.autoApprove != autoApprove { changes.append("autoApprove \(old.autoApprove) → \(autoApprove)") }
        if old.allowedPlatforms != allowedPlatforms {
            changes.append("allowedPlatforms \(platforms(old.allowedPlatforms)) → \(platforms(allowedPlatforms))")
        }
        if old.minimumOSVersions != minimumOSVersions {
            changes.append("minimumOSVersions \(versions(old.minimumOSVersions)) → \(versions(minimumOSVersions))")
        }
        if old.allowedModels != allowedModels {
            changes.append("allowedModels \(old.allowedModels.count) → \(allowedModels.count) models")
        }
        if old.blockedModels != blockedModels {
            changes.append("blockedModels \(old.blockedModels.count) → \(blockedModels.count) models")
        }
        if old.maximumDevicesPerPerson != maximumDevicesPerPerson {
            changes.append("maximumDevicesPerPerson \(limit(old.maximumDevicesPerPerson)) → \(limit(maximumDevicesPerPerson))")
        }
        return changes
    }
}
