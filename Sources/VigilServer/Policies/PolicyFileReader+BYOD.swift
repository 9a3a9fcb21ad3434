import Foundation
import VigilCore
import Yams

// Reading the BYOD sections of a policy file: `agreements:`, `approvalRules:`, `collection:` and
// `apps:`. Values are checked by the core types' own rules, so that a file holds nothing the API
// would refuse.

extension PolicyFile {
    /// Reads `agreements:`: at most ``maximumAgreements`` documents, each name once, each checked
    /// by the rules of ``Agreement/publish(_:previous:at:)`` (slug name, title, text, grace period).
    static func agreements(file node: LocatedNode) throws -> [AgreementDraft] {
        try node.uniqueItems(maximum: maximumAgreements, noun: "documents", key: "name", identity: \.name) { item in
            try AgreementDraft(file: item).validated(at: item)
        }
    }

    /// Reads `apps:`: at most ``maximumApps`` apps, each identifier once, each checked by the
    /// rules of ``CatalogApp/create(id:from:at:)``.
    static func apps(file node: LocatedNode) throws -> [App] {
        try node.uniqueItems(maximum: maximumApps, noun: "apps", key: "id", identity: \.id) { item in
            try App(file: item)
        }
    }
}

extension AgreementDraft {
    /// Reads a document's keys and types; ``validated(at:)`` checks the values.
    fileprivate init(file item: LocatedNode) throws {
        let fields = try item.mapping(
            keys: ["name", "kind", "title", "text", "graceDays", "effectiveAt", "audience"],
            refused: [
                "version": "is assigned by the server, which publishes each change of a document as its next version: remove it"
            ])
        var effectiveAt: Date?
        if let node = fields["effectiveAt"] {
            let text = try node.text()
            guard let date = RFC3339.parse(text) else {
                throw node.error("must be an RFC 3339 time such as 2026-03-01T00:00:00Z, not '\(text)'")
            }
            effectiveAt = date
        }
        self.init(
            name: try fields.required("name").text(),
            kind: try fields.required("kind").choice(AgreementKind.self, noun: "a kind of document"),
            title: try fields.required("title").text(),
            text: try fields.required("text").text(),
            effectiveAt: effectiveAt,
            graceDays: try fields["graceDays"]?.integer(),
            audience: try fields["audience"].map(AgreementAudience.init(file:)) ?? AgreementAudience())
    }

    /// Checks the document as its first version would be published on its effective date (an
    /// effective date in the past is for the server to refuse, when a new version is published),
    /// and returns it as published: the title trimmed. A grace period left out stays left out, so
    /// that applying the file does not report a version's grace period as differing from it.
    fileprivate func validated(at item: LocatedNode) throws -> AgreementDraft {
        let published: Agreement
        do {
            published = try Agreement.publish(self, previous: nil, at: effectiveAt ?? Date())
        } catch let error as ValidationError {
            throw item.error(for: error)
        }
        var draft = self
        draft.title = published.title
        draft.effectiveAt = effectiveAt.map { _ in published.effectiveAt }
        return draft
    }
}

extension AgreementAudience {
    /// Reads an audience: lists of roles and affiliations, each empty or left out for all.
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: ["roles", "affiliations"])
        self.init(
            roles: Set(try fields["roles"]?.sequence().map { try $0.choice(Role.self, noun: "a role") } ?? []),
            affiliations: Set(
                try fields["affiliations"]?.sequence().map { try $0.choice(Affiliation.self, noun: "an affiliation") }
                    ?? []))
    }
}

extension PolicyFile.ApprovalRuleSets {
    /// Reads `approvalRules:`, `byod:` and `patientOwned:`, each checked by
    /// ``ApprovalRules/validated(field:)``.
    /// - Parameters:
    ///   - node: The section.
    ///   - root: The file, where the validation errors' paths start.
    init(file node: LocatedNode, root: LocatedNode) throws {
        let fields = try node.mapping(keys: ["byod", "patientOwned"], noun: "a kind of personal device")
        func rules(_ key: String) throws -> ApprovalRules {
            guard let node = fields[key] else { return ApprovalRules() }
            do {
                return try ApprovalRules(file: node).validated(field: node.path)
            } catch let error as ValidationError {
                throw root.error(for: error)
            }
        }
        self.init(byod: try rules("byod"), patientOwned: try rules("patientOwned"))
    }
}

extension ApprovalRules {
    /// Reads one kind of device's rules; ``validated(field:)`` checks the values.
    fileprivate init(file node: LocatedNode) throws {
        let fields = try node.mapping(keys: [
            "autoApprove", "allowedPlatforms", "minimumOSVersions", "allowedModels", "blockedModels",
            "maximumDevicesPerPerson",
        ])
        self.init(
            autoApprove: try fields["autoApprove"]?.boolean() ?? false,
            allowedPlatforms: Set(
                try fields["allowedPlatforms"]?.sequence().map { try $0.choice(Platform.self, noun: "a platform") } ?? []),
            minimumOSVersions: try fields["minimumOSVersions"]?.platformVersions() ?? [:],
            allowedModels: try fields["allowedModels"]?.sequence().map { try $0.text() } ?? [],
            blockedModels: try fields["blockedModels"]?.sequence().map { try $0.text() } ?? [],
            maximumDevicesPerPerson: try fields["maximumDevicesPerPerson"]?.integer())
    }
}

extension CollectionMatrix {
    /// Reads `collection:`: ownership → field → level. An entry left out takes ``defaults``' level.
    init(file node: LocatedNode) throws {
        let ownerships = try node.mapping(keys: Ownership.allCases.map(\.rawValue), noun: "an ownership")
        var levels: [Ownership: [CollectedField: CollectionLevel]] = [:]
        for ownership in Ownership.allCases {
            guard let row = ownerships[ownership.rawValue] else { continue }
            let fields = try row.mapping(keys: CollectedField.allCases.map(\.rawValue), noun: "a collected field")
            for field in CollectedField.allCases {
                levels[ownership, default: [:]][field] = try fields[field.rawValue]?.choice(
                    CollectionLevel.self, noun: "a collection level")
            }
        }
        self.init(levels)
    }
}

extension PolicyFile.App {
    /// Reads an app, checked by ``CatalogApp/create(id:from:at:)``: the identifier, the name
    /// trimmed. Its assessments and approval for PHI are review records, never part of the file.
    fileprivate init(file item: LocatedNode) throws {
        let fields = try item.mapping(
            keys: ["id", "name", "platforms", "ownerships", "handlesPHI", "required"],
            refused: [
                "version": "is assigned by the server, which counts each app's changes: remove it",
                "approvedForPHI":
                    "is decided by a security officer after the app's assessments (POST /api/v1/apps/{id}/phi-approval), not by the file",
                "assessments":
                    "are review records, made with POST /api/v1/apps/{id}/assessments, not part of the file",
            ])
        let id = try fields.required("id")
        let draft = CatalogAppDraft(
            name: try fields.required("name").text(),
            platforms: Set(try fields["platforms"]?.sequence().map { try $0.choice(Platform.self, noun: "a platform") } ?? []),
            ownerships: Set(
                try fields["ownerships"]?.sequence().map { try $0.choice(Ownership.self, noun: "an ownership") } ?? []),
            handlesPHI: try fields.required("handlesPHI").boolean(),
            required: try fields["required"]?.boolean() ?? false)
        do {
            let app = try CatalogApp.create(id: try id.text(), from: draft, at: Date())
            self.init(app)
        } catch let error as ValidationError {
            throw item.error(for: error)
        }
    }
}
