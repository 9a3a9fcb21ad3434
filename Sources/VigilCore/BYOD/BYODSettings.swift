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
