import Foundation

/// What the hospital collects from one device, who sees it, what it can and cannot do to the
/// device, and what the device's person has agreed to: the privacy page of `GET /privacy/{device}`
/// and `GET /agent/v1/privacy` (`docs/byod.md`, "What the hospital may see").
///
/// It is composed from the configuration in force when it is asked for (the collection matrix,
/// the BYOD agreements, the security policies, the permission matrix), never written by hand, so
/// it cannot drift from what Vigil does.
public struct PrivacyNotice: Codable, Sendable, Equatable {
    /// The device.
    public let deviceID: DeviceID
    /// Who owns it.
    public let ownership: Ownership
    /// Whether the hospital owns the hardware.
    public let hospitalOwned: Bool
    /// What kind of hardware it is.
    public let deviceClass: DeviceClass
    /// Its operating system family.
    public let platform: Platform
    /// Its model, as it reported it.
    public let model: String
    /// One sentence on whose device it is and what the hospital manages on it.
    public let summary: String
    /// Each field the collection matrix governs, in ``CollectedField`` order.
    public let fields: [FieldEntry]
    /// What Vigil collects from every device, whoever owns it.
    public let alwaysCollected: [Item]
    /// What Vigil never collects from any device.
    public let neverCollected: [Item]
    /// What the hospital can and cannot do to the device, in ``RemoteAction`` order.
    public let actions: [RemoteCapability]
    /// The BYOD agreements in force for the device's person, by name; empty for a hospital-owned device.
    public let agreements: [AgreementEntry]
    /// The security requirements that apply to the device, in ``RequirementKind`` order.
    public let requirements: [RequirementEntry]
    /// The version of the BYOD settings the notice was composed from.
    public let settingsVersion: Int
    /// When it was composed.
    public let generatedAt: Date

    /// One field of the collection matrix as it applies to the device.
    public struct FieldEntry: Codable, Sendable, Equatable {
        /// The field.
        public let field: CollectedField
        /// What it is called.
        public let title: String
        /// Its level for the device's ownership.
        public let level: CollectionLevel
        /// Whether Vigil keeps it at all.
        public let collected: Bool
        /// The roles that see it, besides the device's person.
        public let seenBy: [Role]
        /// Whether the device's person sees it.
        public let seenByYou: Bool
        /// The level in words: collected or not, and who sees it.
        public let detail: String
    }

    /// Something collected or never collected, named for a person.
    public struct Item: Codable, Sendable, Equatable {
        /// A stable name, for programs.
        public let id: String
        /// What it is, for people.
        public let title: String

        init(_ id: String, _ title: String) {
            self.id = id
            self.title = title
        }
    }

    /// One BYOD agreement in force for the person, and whether they accepted it.
    public struct AgreementEntry: Codable, Sendable, Equatable {
        /// The document's name, such as `acceptable-use`.
        public let name: String
        /// Its title.
        public let title: String
        /// What kind of document it is.
        public let kind: AgreementKind
        /// The version in force.
        public let version: Int
        /// Where the person stands with it.
        public let status: AgreementStanding
        /// Until when an acceptance of an earlier version still counts, during its grace period.
        public let acceptBy: Date?
    }

    /// One security requirement that applies to the device.
    public struct RequirementEntry: Codable, Sendable, Equatable {
        /// The requirement.
        public let requirement: RequirementKind
        /// What it is called, such as "Screen lock".
        public let title: String
        /// What it asks, such as `locks within 300 seconds`.
        public let expected: String
        /// The policy that imposes it.
        public let policy: PolicyReference
        /// Whether the device's latest posture meets it; `nil` before its first check-in.
        public let met: Bool?
    }

    /// Composes the notice of one device.
    /// - Parameters:
    ///   - subject: The device, its person's roles, affiliation and accepted agreements.
    ///   - evaluator: The security policies and BYOD agreements in force.
    ///   - settings: The BYOD settings in force, with the collection matrix.
    ///   - now: The time of composition, which decides the agreements in force.
    public init(subject: EvaluationSubject, evaluator: ComplianceEvaluator, settings: BYODSettings, at now: Date) {
        let device = subject.device
        let matrix = settings.collection
        deviceID = device.id
        ownership = device.ownership
        hospitalOwned = device.ownership.isHospitalOwned
        deviceClass = device.deviceClass
        platform = device.platform
        model = device.model
        summary = PrivacyWording.summary(of: device.ownership)
        fields = CollectedField.allCases.map { field in
            let level = matrix.level(of: field, for: device.ownership)
            return FieldEntry(
                field: field, title: field.title, level: level, collected: level != .never,
                seenBy: level.seenBy.sorted(), seenByYou: level != .never, detail: PrivacyWording.detail(of: level))
        }
        alwaysCollected = PrivacyWording.alwaysCollected
        neverCollected = PrivacyWording.neverCollected
        actions = DeviceActionPolicy.capabilities(for: device.ownership, collection: matrix)
        agreements = Self.agreements(of: subject, evaluator.agreements, at: now)
        requirements = Self.requirements(of: device, evaluator.effectivePolicy(for: device, roles: subject.roles), at: now)
        settingsVersion = settings.version
        generatedAt = now
    }

    static func agreements(of subject: EvaluationSubject, _ agreements: AgreementSet, at now: Date) -> [AgreementEntry] {
        guard !subject.device.ownership.isHospitalOwned else { return [] }
        return agreements.requirements(
            roles: subject.roles, affiliation: subject.affiliation, accepted: subject.acceptedAgreements, at: now
        ).map { required in
            let (status, acceptBy): (AgreementStanding, Date?) =
                switch required.status {
                case .accepted: (.accepted, nil)
                case .inGracePeriod(let until): (.inGracePeriod, until)
                case .missing: (.missing, nil)
                }
            let agreement = required.agreement
            return AgreementEntry(
                name: agreement.name, title: agreement.title, kind: agreement.kind, version: agreement.version,
                status: status, acceptBy: acceptBy)
        }
    }

    static func requirements(of device: Device, _ effective: EffectivePolicy, at now: Date) -> [RequirementEntry] {
        // Checked against the latest posture, or an empty one before the first check-in, which
        // names every requirement that applies without meeting any.
        let posture = device.posture ?? Posture(osVersion: "", agentVersion: "")
        return ComplianceEvaluator.check(device, posture: posture, against: effective, at: now, explain: true)
            .filter { $0.outcome != .skipped }
            .map { result in
                RequirementEntry(
                    requirement: result.requirement, title: PrivacyWording.title(of: result.requirement),
                    expected: result.expected, policy: result.policy,
                    met: device.posture == nil ? nil : result.outcome == .pass)
            }
    }
}

/// Where a person stands with a BYOD agreement, on a privacy notice.
public enum AgreementStanding: String, Codable, CaseIterable, Sendable {
    /// They accepted the version in force or a later one.
    case accepted
    /// They accepted an earlier version, which still counts for a while.
    case inGracePeriod = "in_grace_period"
    /// They have not accepted it: their personal devices do not reach PHI until they do.
    case missing
}
