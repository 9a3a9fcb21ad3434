import VigilCore
import VigilServer

/// The fence changes of a policy file as `vigil policy apply` prints them: a heading per fence,
/// then its lines as in a policy file, `-` for a line that goes, `+` for one that comes, each
/// after the lines that enclose it.
enum FenceDifference {
    /// A fence created or reshaped.
    /// - Parameters:
    ///   - change: The change.
    ///   - outcome: What happened or would, such as "would create (version 1)".
    static func render(_ change: PlaceChanges.FenceChange, outcome: String) -> String {
        let entry = change.entry
        let old = change.current.map { PolicyFile.lines(of: PolicyFile.FenceEntry(facility: entry.facility, draft: $0.draft)) }
        return PolicyDifference.headed(
            "fence '\(entry.draft.name)' of \(entry.facility): \(outcome)", old ?? [], PolicyFile.lines(of: entry))
    }

    /// Every change of a dry run, in the order they would be applied.
    static func dryRun(_ changes: PlaceChanges) -> [String] {
        changes.fences.map { change in
            let outcome = change.current.map { "would update (version \($0.version) → \(change.version))" }
            return render(change, outcome: outcome ?? "would create (version 1)")
        }
    }
}
