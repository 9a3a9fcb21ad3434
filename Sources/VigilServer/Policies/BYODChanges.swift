import Foundation
import VigilCore

/// What applying a policy file's BYOD sections changes in the configuration in force, worked out
/// before anything is written (`docs/byod.md`, "In the policy file").
///
/// Only the sections the file has are compared. A published document version can never be
/// removed, and a catalog app carries review records, so documents and apps the file leaves out
/// are reported in ``notes``, never removed.
public struct BYODChanges: Sendable, Equatable {
    /// A document whose next version is to be published.
    public struct Publication: Sendable, Equatable {
        /// The document as the file writes it.
        public var draft: AgreementDraft
        /// Its latest published version, which the new one follows; `nil` for a new document.
        public var previous: Agreement?

        /// The version it will be published as.
        public var version: Int { (previous?.version ?? 0) + 1 }
    }

    /// New BYOD settings.
    public struct SettingsChange: Sendable, Equatable {
        /// The settings in force; their version is the one the replacement expects.
        public var current: BYODSettings
        /// The settings to put in force, at the version of ``current``.
        public var desired: BYODSettings
    }

    /// An app to add to the catalog or to change.
    public struct AppChange: Sendable, Equatable {
        /// The app as the file writes it.
        public var app: PolicyFile.App
        /// The catalog's entry, which the change replaces; `nil` for a new app.
        public var current: CatalogApp?
    }

    /// Something the file differs in that applying it leaves as it is.
    public enum Note: Sendable, Equatable, CustomStringConvertible {
        /// A published document that the file does not list.
        case agreementNotInFile(name: String, version: Int)
        /// A document whose grace period or effective date differs from its latest version's,
        /// while its title, text, kind and audience do not: those take effect only with a new version.
        case agreementTermsUnpublished(name: String, version: Int, fields: [String])
        /// A catalog app that the file does not list.
        case appNotInFile(id: String, version: Int)

        /// The note as `vigil policy apply` prints it.
        public var description: String {
            switch self {
            case let .agreementNotInFile(name, version):
                "agreement \(name) (version \(version)) is published but not in the file; published versions are "
                    + "never removed, so it stays in force"
            case let .agreementTermsUnpublished(name, version, fields):
                "agreement \(name): the file's \(fields.joined(separator: " and ")) "
                    + (fields.count == 1 ? "is" : "are") + " not version \(version)'s but can change only with a "
                    + "new version (a change of the title, text or audience)"
            case let .appNotInFile(id, version):
                "app \(id) (version \(version)) is in the catalog but not in the file; it is kept with its "
                    + "assessments (remove it with DELETE /api/v1/apps/\(id)?version=\(version))"
            }
        }
    }

    /// The documents to publish, in the file's order.
    public var publications: [Publication]
    /// The settings to replace, if the file's approval rules or collection matrix differ.
    public var settings: SettingsChange?
    /// The apps to add or change, in the file's order.
    public var apps: [AppChange]
    /// What differs and stays as it is.
    public var notes: [Note]

    /// Whether applying the file's BYOD sections writes nothing.
    public var isEmpty: Bool { publications.isEmpty && settings == nil && apps.isEmpty }

    /// Compares a file's BYOD sections with the configuration in force.
    /// - Parameters:
    ///   - file: The file.
    ///   - agreements: Every published document version.
    ///   - settings: The BYOD settings in force.
    ///   - apps: The catalog.
    ///   - now: The time of the comparison, when a new version would be published.
    /// - Throws: ``PolicyFileError`` naming the document whose next version the server would
    ///   refuse (a kind that differs from the previous version's, an effective date in the past or
    ///   before the previous version's), or an app it would refuse, so that a file is refused
    ///   before anything is written.
    public init(
        file: PolicyFile, agreements: [Agreement], settings: BYODSettings, apps: [CatalogApp], at now: Date
    ) throws {
        publications = []
        self.settings = nil
        self.apps = []
        notes = []
        if let drafts = file.agreements { try compare(drafts, with: agreements, at: now) }
        compare(file, with: settings)
        if let entries = file.apps { try compare(entries, with: apps, at: now) }
    }

    /// Runs a core type's check of an item of the file, naming the item in its error.
    /// - Parameters:
    ///   - item: The item's path, such as `agreements[1]`.
    ///   - check: The check.
    /// - Throws: ``PolicyFileError`` on the item's field at fault.
    @discardableResult
    private static func checked<Value>(_ item: String, _ check: () throws -> Value) throws -> Value {
        do {
            return try check()
        } catch let error as ValidationError {
            throw PolicyFileError(line: nil, field: "\(item).\(error.field)", message: error.message)
        }
    }

    /// A document is published when it was never published or its title, text, kind or audience
    /// differs from its latest version's.
    private mutating func compare(_ drafts: [AgreementDraft], with agreements: [Agreement], at now: Date) throws {
        let latest = agreements.latestByName
        for (index, draft) in drafts.enumerated() {
            let previous = latest[draft.name]
            guard let previous, previous.kind == draft.kind, previous.title == draft.title, previous.text == draft.text,
                previous.audience == draft.audience
            else {
                try Self.checked("agreements[\(index)]") { try Agreement.publish(draft, previous: previous, at: now) }
                publications.append(Publication(draft: draft, previous: previous))
                continue
            }
            var differing: [String] = []
            if let graceDays = draft.graceDays, graceDays != previous.graceDays { differing.append("graceDays") }
            if let effectiveAt = draft.effectiveAt, effectiveAt.roundedToMilliseconds != previous.effectiveAt {
                differing.append("effectiveAt")
            }
            if !differing.isEmpty {
                notes.append(.agreementTermsUnpublished(name: draft.name, version: previous.version, fields: differing))
            }
        }
        let named = Set(drafts.map(\.name))
        for (name, agreement) in latest.sorted(by: { $0.key < $1.key }) where !named.contains(name) {
            notes.append(.agreementNotInFile(name: name, version: agreement.version))
        }
    }

    /// The settings change when the sections the file has differ from those in force; the others
    /// stay as they are.
    private mutating func compare(_ file: PolicyFile, with current: BYODSettings) {
        var desired = current
        if let rules = file.approvalRules {
            desired.byodApproval = rules.byod
            desired.patientOwnedApproval = rules.patientOwned
        }
        if let collection = file.collection { desired.collection = collection }
        if !desired.sameContent(as: current) { settings = SettingsChange(current: current, desired: desired) }
    }

    /// An app is added when it is not in the catalog, and changed when what the file writes of it
    /// differs from its entry (``CatalogApp/replace(with:at:)`` decides).
    private mutating func compare(_ entries: [PolicyFile.App], with catalog: [CatalogApp], at now: Date) throws {
        let byID = Dictionary(catalog.map { ($0.id, $0) }) { first, _ in first }
        for (index, entry) in entries.enumerated() {
            guard let current = byID[entry.id] else {
                try Self.checked("apps[\(index)]") { try CatalogApp.create(id: entry.id, from: entry.draft, at: now) }
                apps.append(AppChange(app: entry, current: nil))
                continue
            }
            var replaced = current
            try Self.checked("apps[\(index)]") { try replaced.replace(with: entry.draft, at: now) }
            if replaced.version != current.version { apps.append(AppChange(app: entry, current: current)) }
        }
        let listed = Set(entries.map(\.id))
        for app in catalog.sorted(by: { $0.id < $1.id }) where !listed.contains(app.id) {
            notes.append(.appNotInFile(id: app.id, version: app.version))
        }
    }
}
