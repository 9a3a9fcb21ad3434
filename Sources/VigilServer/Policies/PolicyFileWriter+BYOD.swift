import Foundation
import VigilCore
import Yams

// Writing the BYOD sections of a policy file, and the lines of each part that `vigil policy apply`
// compares on its own.

extension PolicyFile {
    /// The text of each BYOD section the file has, in the order `agreements:`, `approvalRules:`,
    /// `collection:`, `apps:`.
    var byodSections: [String] {
        var sections: [String] = []
        if let agreements { sections.append(Self.list("agreements", agreements.map(\.fileNode))) }
        if let approvalRules { sections.append(Self.section("approvalRules", approvalRules.fileNode)) }
        if let collection { sections.append(Self.section("collection", collection.fileNode)) }
        if let apps { sections.append(Self.list("apps", apps.map(\.fileNode))) }
        return sections
    }

    /// The lines a file writes for one document of `agreements:`, as a one-item list.
    /// - Parameter agreement: The document.
    /// - Returns: Its lines, without line breaks.
    public static func lines(of agreement: AgreementDraft) -> [String] { lines(emit(Node([agreement.fileNode]))) }

    /// The lines a file writes for one app of `apps:`, as a one-item list.
    /// - Parameter app: The app.
    /// - Returns: Its lines, without line breaks.
    public static func lines(of app: App) -> [String] { lines(emit(Node([app.fileNode]))) }

    /// The lines of an `approvalRules:` section, its key included.
    /// - Parameter approvalRules: The rules.
    /// - Returns: Its lines, without line breaks.
    public static func lines(of approvalRules: ApprovalRuleSets) -> [String] {
        lines(section("approvalRules", approvalRules.fileNode))
    }

    /// The lines of a `collection:` section, its key included: every ownership and field, in the
    /// order of their declarations.
    /// - Parameter collection: The matrix.
    /// - Returns: Its lines, without line breaks.
    public static func lines(of collection: CollectionMatrix) -> [String] {
        lines(section("collection", collection.fileNode))
    }

    /// A section that is a mapping, under its key.
    private static func section(_ key: String, _ node: Node) -> String { emit(Node([(Node(key), node)])) }
}

extension AgreementDraft {
    /// The document as a mapping: the text last, as a literal block, since it is the longest.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = [
            ("name", .text(name)), ("kind", Node(kind.rawValue)), ("title", .text(title)),
        ]
        if let graceDays { pairs.append(("graceDays", .number(graceDays))) }
        // Plain, as people write times: the reader takes a time as text whatever its tag.
        if let effectiveAt { pairs.append(("effectiveAt", Node(RFC3339.format(effectiveAt)))) }
        if audience != AgreementAudience() {
            var audiencePairs: [(Node, Node)] = []
            if !audience.roles.isEmpty {
                audiencePairs.append(("roles", .names(Role.allCases.filter(audience.roles.contains))))
            }
            if !audience.affiliations.isEmpty {
                audiencePairs.append(("affiliations", .names(Affiliation.allCases.filter(audience.affiliations.contains))))
            }
            pairs.append(("audience", Node(audiencePairs)))
        }
        pairs.append(("text", Node(text, Tag(.str), .literal)))
        return Node(pairs)
    }
}

extension PolicyFile.ApprovalRuleSets {
    /// The section's mapping: both kinds of device, always.
    fileprivate var fileNode: Node {
        let pairs: [(Node, Node)] = [("byod", byod.fileNode), ("patientOwned", patientOwned.fileNode)]
        return Node(pairs)
    }
}

extension ApprovalRules {
    /// The rules as a mapping: `autoApprove` always, the other rules when they restrict anything.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = [("autoApprove", .flag(autoApprove))]
        if !allowedPlatforms.isEmpty {
            pairs.append(("allowedPlatforms", .names(Platform.allCases.filter(allowedPlatforms.contains))))
        }
        if !minimumOSVersions.isEmpty { pairs.append(("minimumOSVersions", .platformVersions(minimumOSVersions))) }
        if !allowedModels.isEmpty { pairs.append(("allowedModels", Node(allowedModels.map { Node.text($0) }))) }
        if !blockedModels.isEmpty { pairs.append(("blockedModels", Node(blockedModels.map { Node.text($0) }))) }
        if let maximumDevicesPerPerson { pairs.append(("maximumDevicesPerPerson", .number(maximumDevicesPerPerson))) }
        return Node(pairs)
    }
}

extension CollectionMatrix {
    /// The matrix as a mapping of ownerships to fields to levels, every entry written out.
    fileprivate var fileNode: Node {
        Node(Ownership.allCases.map { ownership in
            (Node(ownership.rawValue), Node(CollectedField.allCases.map { field in
                (Node(field.rawValue), Node(level(of: field, for: ownership).rawValue))
            }))
        })
    }
}

extension PolicyFile.App {
    /// The app as a mapping; `handlesPHI` and `required` always, the scope when it is not everything.
    fileprivate var fileNode: Node {
        var pairs: [(Node, Node)] = [("id", .text(id)), ("name", .text(draft.name))]
        if !draft.platforms.isEmpty {
            pairs.append(("platforms", .names(Platform.allCases.filter(draft.platforms.contains))))
        }
        if !draft.ownerships.isEmpty {
            pairs.append(("ownerships", .names(Ownership.allCases.filter(draft.ownerships.contains))))
        }
        pairs.append(("handlesPHI", .flag(draft.handlesPHI)))
        pairs.append(("required", .flag(draft.required)))
        return Node(pairs)
    }
}
