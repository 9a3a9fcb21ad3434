import VigilCore
import VigilServer

/// The difference between the policies in force and those of a file, as `vigil policy apply`
/// prints it: one heading per changed policy, then its lines as in a policy file, `-` for a line
/// that goes and `+` for one that comes.
enum PolicyDifference {
    static func render(
        _ changes: [AdminClient.PolicyChanges.Change], current: [SecurityPolicy], desired: [SecurityPolicy], dryRun: Bool
    ) -> String {
        var out: [String] = []
        for change in changes {
            let old = current.first { $0.name == change.name }.map(lines) ?? []
            let new = desired.first { $0.name == change.name }.map(lines) ?? []
            let verb = dryRun ? ["create": "would create", "update": "would update", "remove": "would remove"][change.change]
                ?? change.change : ["create": "created", "update": "updated", "remove": "removed"][change.change] ?? change.change
            let versions = [change.fromVersion, change.toVersion].compactMap { $0.map(String.init) }.joined(separator: " → ")
            out.append("\(change.name): \(verb) (version \(versions))")
            out += diff(old, new).map { "  " + $0 }
        }
        return out.joined(separator: "\n")
    }

    /// The lines of one policy as a policy file writes it.
    static func lines(_ policy: SecurityPolicy) -> [String] {
        PolicyFile(policies: [policy]).yaml().split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init).drop { !$0.hasPrefix("  - name:") && !$0.hasPrefix("- name:") }.map { $0 }
    }

    /// A heading, then the lines that change between two texts of a policy file, in context
    /// (``diffInContext(_:_:)``), indented below it.
    /// - Parameters:
    ///   - title: The heading, such as `app org.hospital.ehr: would create (version 1)`.
    ///   - old: The lines as they are; none for something new.
    ///   - new: The lines as they will be.
    /// - Returns: The text, without a final line break.
    static func headed(_ title: String, _ old: [String], _ new: [String]) -> String {
        ([title] + diffInContext(old, new).map { "  " + $0 }).joined(separator: "\n")
    }

    /// A line diff by longest common subsequence; unchanged lines are left out.
    static func diff(_ old: [String], _ new: [String]) -> [String] {
        align(old, new).compactMap { line in
            switch line {
            case .same: nil
            case .removed(let text): "- " + text
            case .added(let text): "+ " + text
            }
        }
    }

    /// A line diff of YAML text, each changed line preceded by the lines that enclose it (by
    /// indentation) and were not shown yet, such as the ownership of a changed collection field.
    static func diffInContext(_ old: [String], _ new: [String]) -> [String] {
        var enclosing: [(indent: Int, text: String, shown: Bool)] = []
        var out: [String] = []
        for line in align(old, new) {
            let (text, mark): (String, String?) =
                switch line {
                case .same(let text): (text, nil)
                case .removed(let text): (text, "- ")
                case .added(let text): (text, "+ ")
                }
            // A blank line (in a block of text) encloses nothing and ends nothing.
            guard !text.allSatisfy(\.isWhitespace) else {
                if let mark { out.append(mark + text) }
                continue
            }
            let indent = text.prefix { $0 == " " }.count
            while let last = enclosing.last, last.indent >= indent { enclosing.removeLast() }
            if let mark {
                for index in enclosing.indices where !enclosing[index].shown {
                    out.append("  " + enclosing[index].text)
                    enclosing[index].shown = true
                }
                out.append(mark + text)
            }
            enclosing.append((indent, text, mark != nil))
        }
        return out
    }

    /// One line of two texts aligned.
    enum AlignedLine: Equatable {
        /// In both.
        case same(String)
        /// Only in the old text.
        case removed(String)
        /// Only in the new text.
        case added(String)
    }

    /// The most cells of the alignment table: past it (two long texts that differ throughout),
    /// the differing middle is shown as removed, then added, rather than aligned.
    static let maximumAlignmentCells = 4_000_000

    /// Aligns two texts by longest common subsequence, a removed line before the line that
    /// replaces it. The lines both texts begin and end with are set aside first, so the table
    /// covers only the part that differs.
    static func align(_ old: [String], _ new: [String]) -> [AlignedLine] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let oldMiddle = Array(old[prefix..<(old.count - suffix)])
        let newMiddle = Array(new[prefix..<(new.count - suffix)])
        let middle =
            (oldMiddle.count + 1) * (newMiddle.count + 1) > maximumAlignmentCells
            ? oldMiddle.map(AlignedLine.removed) + newMiddle.map(AlignedLine.added)
            : alignByCommonSubsequence(oldMiddle, newMiddle)
        return old[..<prefix].map(AlignedLine.same) + middle + old[(old.count - suffix)...].map(AlignedLine.same)
    }

    private static func alignByCommonSubsequence(_ old: [String], _ new: [String]) -> [AlignedLine] {
        var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var (i, j, out) = (0, 0, [AlignedLine]())
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                out.append(.same(old[i]))
                (i, j) = (i + 1, j + 1)
            } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
                out.append(.removed(old[i]))
                i += 1
            } else {
                out.append(.added(new[j]))
                j += 1
            }
        }
        return out
    }
}
