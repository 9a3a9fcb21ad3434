import Foundation
import VigilCore
import VigilServer

/// The BYOD changes of a policy file as `vigil policy apply` prints them: a heading per document,
/// settings or app, then its lines as in a policy file, `-` for a line that goes, `+` for one
/// that comes, each after the lines that enclose it.
enum BYODDifference {
    /// A document's new version.
    /// - Parameters:
    ///   - publication: The change.
    ///   - outcome: What happened or would, such as "would publish version 2".
    ///   - now: The time, which decides how the previous version is written.
    static func render(_ publication: BYODChanges.Publication, outcome: String, at now: Date) -> String {
        let old = publication.previous.map { PolicyFile.lines(of: AgreementDraft(fileOf: $0, at: now)) } ?? []
        return PolicyDifference.headed(
            "agreement \(publication.draft.name): \(outcome)", old, PolicyFile.lines(of: publication.draft))
    }

    /// New BYOD settings: the lines of the approval rules and of the collection matrix that change.
    /// - Parameters:
    ///   - change: The change.
    ///   - outcome: What happened or would, such as "would update (version 3 → 4)".
    static func render(_ change: BYODChanges.SettingsChange, outcome: String) -> String {
        func lines(_ settings: BYODSettings) -> [String] {
            PolicyFile.lines(of: PolicyFile.ApprovalRuleSets(settings)) + PolicyFile.lines(of: settings.collection)
        }
        return PolicyDifference.headed("BYOD settings: \(outcome)", lines(change.current), lines(change.desired))
    }

    /// An app added to the catalog or changed.
    /// - Parameters:
    ///   - change: The change.
    ///   - outcome: What happened or would, such as "would create (version 1)".
    static func render(_ change: BYODChanges.AppChange, outcome: String) -> String {
        let old = change.current.map { PolicyFile.lines(of: PolicyFile.App($0)) } ?? []
        return PolicyDifference.headed("app \(change.app.id): \(outcome)", old, PolicyFile.lines(of: change.app))
    }

    /// Every change of a dry run, in the order they would be applied.
    static func dryRun(_ changes: BYODChanges, at now: Date) -> [String] {
        var out = changes.publications.map { render($0, outcome: "would publish version \($0.version)", at: now) }
        if let settings = changes.settings {
            let version = settings.current.version
            out.append(render(settings, outcome: "would update (version \(version) → \(version + 1))"))
        }
        for change in changes.apps {
            let outcome = change.current.map { "would update (version \($0.version) → \($0.version + 1))" }
            out.append(render(change, outcome: outcome ?? "would create (version 1)"))
        }
        return out
    }
}
