import Foundation

/// An app of the managed-app catalog (`docs/byod.md`, "App vetting"): which devices it is for,
/// whether it handles PHI, whether it is provisioned on every device in scope, and whether it is
/// approved for PHI after its assessments.
///
/// Approval for PHI follows one rule, kept by the mutating methods below: only an app that
/// handles PHI, and whose latest assessment in every ``AssessmentArea`` passed, may be approved;
/// a failing assessment or ceasing to handle PHI withdraws the approval.
public struct CatalogApp: Codable, Sendable, Equatable {
    /// The bundle or package identifier, such as `org.mercy.ehr`.
    public let id: String
    /// The app's name, for people to read.
    public internal(set) var name: String
    /// The platforms it is for; every platform when empty.
    public internal(set) var platforms: Set<Platform>
    /// The ownerships of the devices it is for; every ownership when empty.
    public internal(set) var ownerships: Set<Ownership>
    /// Whether it handles protected health information.
    public internal(set) var handlesPHI: Bool
    /// Whether it is installed on every device in scope: part of the managed-app list a device
    /// is provisioned with.
    public internal(set) var required: Bool
    /// Whether it is approved to handle PHI.
    public internal(set) var approvedForPHI: Bool
    /// Every assessment, in the order recorded.
    public internal(set) var assessments: [AppAssessment]
    /// The version, from 1, one more with every change; kept by the server.
    public internal(set) var version: Int
    /// When it was added to the catalog.
    public let createdAt: Date
    /// When it last changed.
    public internal(set) var updatedAt: Date

    /// Rebuilds a catalog entry as stored. New entries are made with ``create(id:from:at:)``.
    /// - Parameters:
    ///   - id: The bundle or package identifier.
    ///   - name: The app's name.
    ///   - platforms: The platforms it is for; every platform when empty.
    ///   - ownerships: The ownerships it is for; every ownership when empty.
    ///   - handlesPHI: Whether it handles PHI.
    ///   - required: Whether it is provisioned on every device in scope.
    ///   - approvedForPHI: Whether it is approved for PHI.
    ///   - assessments: Its assessments, in the order recorded.
    ///   - version: Its version.
    ///   - createdAt: When it was added.
    ///   - updatedAt: When it last changed.
    public init(
        id: String, name: String, platforms: Set<Platform>, ownerships: Set<Ownership>, handlesPHI: Bool,
        required: Bool, approvedForPHI: Bool, assessments: [AppAssessment], version: Int, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.platforms = platforms
        self.ownerships = ownerships
        self.handlesPHI = handlesPHI
        self.required = required
        self.approvedForPHI = approvedForPHI
        self.assessments = assessments
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The most assessments one app keeps.
    public static let maximumAssessments = 200

    /// The longest identifier, in characters.
    public static let maximumIDLength = 200

    /// Checks a bundle or package identifier: 1 to 200 ASCII letters, digits, `.`, `-` and `_`.
    /// - Parameters:
    ///   - id: The identifier.
    ///   - field: The field's name, for the error.
    /// - Returns: The identifier.
    /// - Throws: ``ValidationError`` on `field` when it is not one.
    public static func validatedID(_ id: String, field: String = "id") throws -> String {
        let allowed = { (byte: UInt8) in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || byte == 0x2E || byte == 0x2D || byte == 0x5F
        }
        guard (1...maximumIDLength).contains(id.utf8.count), id.utf8.allSatisfy(allowed) else {
            throw ValidationError(
                field: field,
                message: "must be a bundle or package identifier: 1 to \(maximumIDLength) letters, digits, '.', '-' or '_'")
        }
        return id
    }

    /// Adds an app to the catalog: version 1, not approved for PHI, no assessments.
    /// - Parameters:
    ///   - id: Its bundle or package identifier.
    ///   - draft: What the administrator wrote.
    ///   - now: The time.
    /// - Returns: The new entry.
    /// - Throws: ``ValidationError`` naming `id` or `name`.
    public static func create(id: String, from draft: CatalogAppDraft, at now: Date) throws -> CatalogApp {
        let name = try Validate.text(draft.name, field: "name", maximumLength: 200)
        return CatalogApp(
            id: try validatedID(id), name: name, platforms: draft.platforms, ownerships: draft.ownerships,
            handlesPHI: draft.handlesPHI, required: draft.required, approvedForPHI: false, assessments: [],
            version: 1, createdAt: now, updatedAt: now)
    }

    /// Replaces what the administrator writes (name, scope, PHI flag, required), keeping the
    /// assessments. An app that no longer handles PHI loses its approval. A draft equal to the
    /// app's content changes nothing, its version included.
    /// - Parameters:
    ///   - draft: The new content.
    ///   - now: The time.
    /// - Returns: Whether this withdrew the app's approval for PHI.
    /// - Throws: ``ValidationError`` naming `name`; nothing changes then.
    @discardableResult
    public mutating func replace(with draft: CatalogAppDraft, at now: Date) throws -> Bool {
        let name = try Validate.text(draft.name, field: "name", maximumLength: 200)
        guard name != self.name || draft.platforms != platforms || draft.ownerships != ownerships
            || draft.handlesPHI != handlesPHI || draft.required != required
        else { return false }
        let withdrawn = approvedForPHI && !draft.handlesPHI
        self.name = name
        platforms = draft.platforms
        ownerships = draft.ownerships
        handlesPHI = draft.handlesPHI
        required = draft.required
        if withdrawn { approvedForPHI = false }
        touch(at: now)
        return withdrawn
    }

    /// Records an assessment, stamped with `now`. A failing one withdraws the app's approval
    /// for PHI, whatever its date: an officer must approve the app again deliberately.
    /// - Parameters:
    ///   - assessment: The assessment.
    ///   - now: The time of recording.
    /// - Returns: Whether this withdrew the app's approval for PHI.
    /// - Throws: ``ValidationError`` for an invalid assessment (see ``AppAssessment/validated(at:)``)
    ///   or when the app holds ``maximumAssessments`` already; nothing changes then.
    @discardableResult
    public mutating func record(_ assessment: AppAssessment, at now: Date) throws -> Bool {
        guard assessments.count < Self.maximumAssessments else {
            throw ValidationError(
                field: "assessments",
                message: "cannot take another: the app holds \(Self.maximumAssessments) assessments, the most it may")
        }
        var checked = try assessment.validated(at: now)
        checked.recordedAt = now
        assessments.append(checked)
        let withdrawn = approvedForPHI && checked.result == .fail
        if withdrawn { approvedForPHI = false }
        touch(at: now)
        return withdrawn
    }

    /// Approves the app for PHI or withdraws its approval.
    /// - Parameters:
    ///   - approved: `true` to approve, `false` to withdraw.
    ///   - now: The time.
    /// - Throws: ``ValidationError`` on `approved` when approving an app that does not handle
    ///   PHI, or whose ``assessmentGaps`` are not empty (the message names the areas); nothing
    ///   changes then. Withdrawing always succeeds.
    public mutating func setPHIApproval(_ approved: Bool, at now: Date) throws {
        if approved {
            guard handlesPHI else {
                throw ValidationError(field: "approved", message: "cannot be true: the app does not handle PHI")
            }
            let gaps = assessmentGaps
            guard gaps.isEmpty else {
                throw ValidationError(
                    field: "approved",
                    message: "cannot be true until the latest assessment passed in every area (\(gaps))")
            }
        }
        approvedForPHI = approved
        touch(at: now)
    }

    /// The latest assessment in each area: the one with the latest date, and of those the one
    /// recorded last.
    public var latestAssessments: [AssessmentArea: AppAssessment] {
        var latest: [AssessmentArea: AppAssessment] = [:]
        for assessment in assessments where latest[assessment.area].map({ assessment.date >= $0.date }) ?? true {
            latest[assessment.area] = assessment
        }
        return latest
    }

    /// The areas never assessed and those whose latest assessment failed; empty when the app's
    /// assessments allow approving it for PHI.
    public var assessmentGaps: AssessmentGaps {
        let latest = latestAssessments
        return AssessmentGaps(
            missing: AssessmentArea.allCases.filter { latest[$0] == nil },
            failed: AssessmentArea.allCases.filter { latest[$0]?.result == .fail })
    }

    /// Whether the app is for `device`: its platform and ownership are in the app's scope.
    /// - Parameter device: The device.
    /// - Returns: `true` when both the platform and the ownership match (an empty set matches all).
    public func applies(to device: Device) -> Bool {
        (platforms.isEmpty || platforms.contains(device.platform))
            && (ownerships.isEmpty || ownerships.contains(device.ownership))
    }

    private mutating func touch(at now: Date) {
        version += 1
        updatedAt = now
    }

    enum CodingKeys: String, CodingKey {
        case id, name, platforms, ownerships, handlesPHI, required, approvedForPHI, assessments, version, createdAt,
            updatedAt
    }

    /// Encodes the entry, its sets as sorted arrays.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(platforms.map(\.rawValue).sorted(), forKey: .platforms)
        try container.encode(ownerships.map(\.rawValue).sorted(), forKey: .ownerships)
        try container.encode(handlesPHI, forKey: .handlesPHI)
        try container.encode(required, forKey: .required)
        try container.encode(approvedForPHI, forKey: .approvedForPHI)
        try container.encode(assessments, forKey: .assessments)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// What an administrator writes about a catalog app; the server keeps the rest.
public struct CatalogAppDraft: Sendable, Equatable {
    /// The app's name.
    public var name: String
    /// The platforms it is for; every platform when empty.
    public var platforms: Set<Platform>
    /// The ownerships it is for; every ownership when empty.
    public var ownerships: Set<Ownership>
    /// Whether it handles PHI.
    public var handlesPHI: Bool
    /// Whether it is provisioned on every device in scope.
    public var required: Bool

    /// Describes a draft.
    /// - Parameters:
    ///   - name: The app's name.
    ///   - platforms: The platforms it is for; every platform when empty.
    ///   - ownerships: The ownerships it is for; every ownership when empty.
    ///   - handlesPHI: Whether it handles PHI.
    ///   - required: Whether it is provisioned on every device in scope.
    public init(
        name: String, platforms: Set<Platform> = [], ownerships: Set<Ownership> = [], handlesPHI: Bool,
        required: Bool = false
    ) {
        self.name = name
        self.platforms = platforms
        self.ownerships = ownerships
        self.handlesPHI = handlesPHI
        self.required = required
    }
}
