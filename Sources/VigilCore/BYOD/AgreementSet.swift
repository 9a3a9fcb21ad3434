import Foundation

/// Every published agreement version, and the rules that say what a person must accept
/// (`docs/byod.md`, "Agreements").
///
/// For each document, the version in force is the latest whose effective date has come. A person
/// to whom it applies has accepted it when they accepted that version or a later one; during its
/// grace period an acceptance of any earlier version of the same document still counts.
public struct AgreementSet: Sendable, Equatable {
    /// Every published version, by document name, oldest first.
    private let versions: [String: [Agreement]]

    /// Collects published versions.
    public init(_ agreements: [Agreement] = []) {
        versions = Dictionary(grouping: agreements, by: \.name).mapValues { $0.sorted { $0.version < $1.version } }
    }

    /// Whether no agreement was ever published.
    public var isEmpty: Bool { versions.isEmpty }

    /// Every version, by name then version.
    public var all: [Agreement] { versions.keys.sorted().flatMap { versions[$0]! } }

    /// The version of each document in force at `now`, by name.
    public func inForce(at now: Date) -> [Agreement] {
        versions.keys.sorted().compactMap { name in versions[name]!.last { $0.effectiveAt <= now } }
    }

    /// The latest version of `name` not yet in force at `now`, which may be accepted ahead.
    public func upcoming(_ name: String, at now: Date) -> Agreement? {
        versions[name]?.last { $0.effectiveAt > now }
    }

    /// The documents in force that a person with `roles` and `affiliation` must accept for their
    /// personal devices, with where they stand.
    public func requirements(
        roles: Set<Role>, affiliation: Affiliation, accepted: AcceptedAgreements, at now: Date
    ) -> [AgreementRequirement] {
        inForce(at: now).filter { $0.audience.includes(roles: roles, affiliation: affiliation) }.map { agreement in
            AgreementRequirement(
                agreement: agreement, status: status(of: accepted, for: agreement, at: now),
                upcoming: upcoming(agreement.name, at: now))
        }
    }

    /// Where a person who accepted `accepted` stands with `agreement` at `now`: accepted when they
    /// accepted it or a later version; in its grace period when it is in force, its grace has not
    /// ended, and they stood with the version before it (accepted, or in that one's grace) at the
    /// moment it took effect; missing otherwise. So a new version never revives an acceptance whose
    /// own grace had already run out, and a version not yet in force is simply not accepted.
    public func status(of accepted: AcceptedAgreements, for agreement: Agreement, at now: Date)
        -> AgreementRequirement.Status
    {
        guard let published = versions[agreement.name], let index = published.firstIndex(of: agreement) else {
            return .missing
        }
        return status(accepted: accepted.versions[agreement.name] ?? 0, in: published, index: index, at: now)
    }

    private func status(accepted: Int, in published: [Agreement], index: Int, at time: Date)
        -> AgreementRequirement.Status
    {
        let agreement = published[index]
        if accepted >= agreement.version { return .accepted }
        let graceUntil = agreement.effectiveAt.addingTimeInterval(Double(agreement.graceDays) * 86_400)
        guard accepted > 0, index > 0, agreement.effectiveAt <= time, time < graceUntil else { return .missing }
        switch status(accepted: accepted, in: published, index: index - 1, at: agreement.effectiveAt) {
        case .accepted, .inGracePeriod: return .inGracePeriod(until: graceUntil)
        case .missing: return .missing
        }
    }

    /// The access decision's agreement input for a device: not required for hospital-owned
    /// devices or when no document applies to the person; accepted when every applicable
    /// document is accepted or in its grace period; missing otherwise.
    public func input(for subject: EvaluationSubject, at now: Date) -> AgreementInput {
        guard !subject.device.ownership.isHospitalOwned else { return .notRequired }
        let required = requirements(
            roles: subject.roles, affiliation: subject.affiliation, accepted: subject.acceptedAgreements, at: now)
        if required.isEmpty { return .notRequired }
        return required.allSatisfy { $0.status != .missing } ? .accepted : .missing
    }

    /// Whether `agreement` is one of the published versions.
    public func contains(_ agreement: Agreement) -> Bool { versions[agreement.name]?.contains(agreement) == true }

    /// Whether `agreement` may be accepted at `now`: it is the version of its document in force,
    /// or a later one published already. An older version is refused, as is one never published.
    public func isAcceptable(_ agreement: Agreement, at now: Date) -> Bool {
        guard let published = versions[agreement.name], published.contains(agreement) else { return false }
        guard let inForce = published.last(where: { $0.effectiveAt <= now }) else { return true }
        return agreement.version >= inForce.version
    }
}

/// One document a person must accept, and where they stand with it.
public struct AgreementRequirement: Sendable, Equatable {
    /// Where a person stands with a document.
    public enum Status: Sendable, Equatable {
        /// They accepted the version in force or a later one.
        case accepted
        /// They accepted an earlier version; it counts until `until`.
        case inGracePeriod(until: Date)
        /// They must accept it before their personal devices reach PHI.
        case missing
    }

    /// The version in force.
    public var agreement: Agreement
    /// Where the person stands.
    public var status: Status
    /// A later version already published, not yet in force, which may be accepted ahead.
    public var upcoming: Agreement?

    /// Describes a requirement.
    public init(agreement: Agreement, status: Status, upcoming: Agreement?) {
        self.agreement = agreement
        self.status = status
        self.upcoming = upcoming
    }
}
