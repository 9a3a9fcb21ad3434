import Foundation

/// A versioned BYOD document a person accepts before their personal devices reach PHI: the
/// acceptable-use agreement, or the privacy and data-ownership notice (`docs/byod.md`).
///
/// A document is known by its ``name``; each publication is a new ``version`` with its own
/// identifier, text and hash. Published versions never change.
public struct Agreement: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "agr"

    /// Unique identifier of this version.
    public let id: AgreementID
    /// The document's name, the same for all its versions, such as `acceptable-use`.
    public let name: String
    /// The version, from 1, one more than the previous.
    public let version: Int
    /// What kind of document it is.
    public let kind: AgreementKind
    /// Its title, such as "Acceptable use of personal devices".
    public let title: String
    /// The text, in Markdown, exactly as the person is shown it.
    public let text: String
    /// From when this version is the one to accept.
    public let effectiveAt: Date
    /// How long after ``effectiveAt`` an acceptance of an earlier version still counts, in days.
    public let graceDays: Int
    /// Whom it applies to.
    public let audience: AgreementAudience
    /// SHA-256 of the UTF-8 bytes of ``text``, hex: what an acceptance names, so that a person
    /// accepts exactly the text they were shown.
    public let sha256: String
    /// When it was published.
    public let publishedAt: Date

    /// Describes a published version; ``sha256`` is computed from the text.
    public init(
        id: AgreementID, name: String, version: Int, kind: AgreementKind, title: String, text: String,
        effectiveAt: Date, graceDays: Int, audience: AgreementAudience, publishedAt: Date
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.kind = kind
        self.title = title
        self.text = text
        self.effectiveAt = effectiveAt
        self.graceDays = graceDays
        self.audience = audience
        self.sha256 = Self.hash(of: text)
        self.publishedAt = publishedAt
    }

    /// The hash an acceptance must name for `text`.
    public static func hash(of text: String) -> String { SHA256Hex.of(text) }

    /// The longest text a document may have, in bytes.
    public static let maximumTextBytes = 65_536

    /// The longest grace period, in days.
    public static let maximumGraceDays = 365

    /// Checks a document to publish and makes its next version.
    /// - Parameters:
    ///   - draft: What the administrator wrote.
    ///   - previous: The latest published version of the same name, if any.
    ///   - now: The time of publication.
    /// - Returns: The new version: 1 for a new name, else one more than `previous`.
    /// - Throws: ``ValidationError`` naming the field at fault: a name that is not a slug, an
    ///   empty or oversized text, a kind that differs from the previous version's, a grace period
    ///   out of range, an effective date in the past, or a text identical to the previous version's.
    public static func publish(_ draft: AgreementDraft, previous: Agreement?, at now: Date) throws -> Agreement {
        let name = try Validate.slug(draft.name, field: "name")
        let title = try Validate.text(draft.title, field: "title", maximumLength: 200)
        guard !draft.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError(field: "text", message: "must not be empty")
        }
        guard draft.text.utf8.count <= maximumTextBytes else {
            throw ValidationError(field: "text", message: "must be at most \(maximumTextBytes) bytes")
        }
        guard !draft.text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw ValidationError(field: "text", message: "must not contain control characters other than newlines and tabs")
        }
        let graceDays = draft.graceDays ?? 14
        guard (0...maximumGraceDays).contains(graceDays) else {
            throw ValidationError(field: "graceDays", message: "must be between 0 and \(maximumGraceDays)")
        }
        let effectiveAt = draft.effectiveAt ?? now
        guard effectiveAt >= now.addingTimeInterval(-60) else {
            throw ValidationError(field: "effectiveAt", message: "must not be in the past")
        }
        if let previous {
            guard previous.kind == draft.kind else {
                throw ValidationError(
                    field: "kind", message: "must stay \(previous.kind.rawValue), the kind of \(name) version \(previous.version)")
            }
            guard previous.text != draft.text || previous.title != title || previous.audience != draft.audience else {
                throw ValidationError(field: "text", message: "is the same as version \(previous.version); nothing to publish")
            }
            guard effectiveAt >= previous.effectiveAt else {
                throw ValidationError(
                    field: "effectiveAt", message: "must not be before version \(previous.version)'s effective date")
            }
        }
        return Agreement(
            id: .generate(at: now), name: name, version: (previous?.version ?? 0) + 1, kind: draft.kind, title: title,
            text: draft.text, effectiveAt: effectiveAt.roundedToMilliseconds, graceDays: graceDays,
            audience: draft.audience, publishedAt: now)
    }
}

/// The identifier of an ``Agreement`` version.
public typealias AgreementID = Identifier<Agreement>

/// What an administrator writes to publish a document version.
public struct AgreementDraft: Codable, Sendable, Equatable {
    /// The document's name, a slug such as `acceptable-use`.
    public var name: String
    /// Its kind.
    public var kind: AgreementKind
    /// Its title.
    public var title: String
    /// Its Markdown text.
    public var text: String
    /// From when it is in force; now when absent.
    public var effectiveAt: Date?
    /// Days an acceptance of the previous version still counts; 14 when absent.
    public var graceDays: Int?
    /// Whom it applies to; everyone with a personal device when empty.
    public var audience: AgreementAudience

    /// Describes a draft.
    public init(
        name: String, kind: AgreementKind, title: String, text: String, effectiveAt: Date? = nil,
        graceDays: Int? = nil, audience: AgreementAudience = AgreementAudience()
    ) {
        self.name = name
        self.kind = kind
        self.title = title
        self.text = text
        self.effectiveAt = effectiveAt
        self.graceDays = graceDays
        self.audience = audience
    }
}

/// The kinds of BYOD document.
public enum AgreementKind: String, Codable, CaseIterable, Sendable {
    /// What a person may and may not do with PHI on their own device.
    case acceptableUse = "acceptable_use"
    /// What the organization collects, can see and can do on a personal device, and what never.
    case privacy
}

/// The people a document applies to: those holding any of ``roles`` (any role when empty) and
/// of any of ``affiliations`` (any when empty). It only ever concerns personal devices.
public struct AgreementAudience: Codable, Sendable, Equatable, Hashable {
    /// The roles it applies to; every role when empty.
    public var roles: Set<Role>
    /// The affiliations it applies to; every affiliation when empty.
    public var affiliations: Set<Affiliation>

    /// Describes an audience.
    public init(roles: Set<Role> = [], affiliations: Set<Affiliation> = []) {
        self.roles = roles
        self.affiliations = affiliations
    }

    /// Whether a person with `roles` and `affiliation` is in the audience.
    public func includes(roles personRoles: Set<Role>, affiliation: Affiliation) -> Bool {
        (roles.isEmpty || !roles.isDisjoint(with: personRoles))
            && (affiliations.isEmpty || affiliations.contains(affiliation))
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case roles, affiliations }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        roles = try container.decodeIfPresent(Set<Role>.self, forKey: .roles) ?? []
        affiliations = try container.decodeIfPresent(Set<Affiliation>.self, forKey: .affiliations) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(roles.map(\.rawValue).sorted(), forKey: .roles)
        try container.encode(affiliations.map(\.rawValue).sorted(), forKey: .affiliations)
    }
}

/// One person's acceptance of one document version, from a device or over the API.
public struct AgreementAcceptance: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "acc"

    /// Unique identifier.
    public let id: Identifier<AgreementAcceptance>
    /// The version accepted.
    public let agreementID: AgreementID
    /// Its document's name.
    public let name: String
    /// Its version.
    public let version: Int
    /// The hash of the text accepted.
    public let sha256: String
    /// Who accepted.
    public let personID: PersonID
    /// The device they accepted on, if they accepted on one.
    public let deviceID: DeviceID?
    /// When.
    public let acceptedAt: Date

    /// Records an acceptance.
    public init(
        id: Identifier<AgreementAcceptance>, agreementID: AgreementID, name: String, version: Int, sha256: String,
        personID: PersonID, deviceID: DeviceID?, acceptedAt: Date
    ) {
        self.id = id
        self.agreementID = agreementID
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.personID = personID
        self.deviceID = deviceID
        self.acceptedAt = acceptedAt
    }
}

/// The highest version of each document a person accepted, by document name: what the access
/// decision needs of their acceptances.
public struct AcceptedAgreements: Sendable, Equatable, Hashable {
    /// Highest accepted version by document name.
    public var versions: [String: Int]

    /// Describes accepted versions.
    public init(_ versions: [String: Int] = [:]) { self.versions = versions }

    /// Adds an accepted version (a lower one than already accepted changes nothing).
    public mutating func insert(name: String, version: Int) {
        versions[name] = max(versions[name] ?? 0, version)
    }

    /// The stored form: `name:version` pairs in name order, comma-separated.
    public var stored: String {
        versions.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    /// Reads the stored form.
    /// - Throws: ``ValidationError`` when it is not `name:version` pairs.
    public init(stored: String) throws {
        var versions: [String: Int] = [:]
        for pair in stored.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let version = Int(parts[1]), version > 0 else {
                throw ValidationError(field: "accepted", message: "is not a list of name:version pairs")
            }
            versions[String(parts[0])] = version
        }
        self.versions = versions
    }
}
