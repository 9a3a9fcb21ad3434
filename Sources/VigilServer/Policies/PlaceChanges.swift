import Foundation
import VigilCore

/// What applying a policy file's `fences:` changes on the server, worked out before anything is
/// written (`docs/compliance.md`, "Fences in the policy file").
///
/// A fence of the file is the server's fence of the same facility (named as the server names it)
/// and the same name: it is created when the server has none, and updated when its shape differs.
/// A fence the file leaves out may still be what keeps a ward's devices inside, so it is reported
/// in ``notes``, never removed. A file without `fences:` changes no fence.
public struct PlaceChanges: Sendable, Equatable {
    /// A fence to create or to reshape.
    public struct FenceChange: Sendable, Equatable {
        /// The fence as the file writes it.
        public var entry: PolicyFile.FenceEntry
        /// The facility it bounds.
        public var facilityID: FacilityID
        /// The server's fence, which the change replaces at its version; `nil` for a new fence.
        public var current: PolicyFile.ServerFence?

        /// The version the fence will have.
        public var version: Int { (current?.version ?? 0) + 1 }
    }

    /// Something the file differs in that applying it leaves as it is.
    public enum Note: Sendable, Equatable, CustomStringConvertible {
        /// A fence of the server that the file does not list.
        case fenceNotInFile(facility: String, name: String, id: FenceID, version: Int)

        /// The note as `vigil policy apply` prints it.
        public var description: String {
            switch self {
            case let .fenceNotInFile(facility, name, id, version):
                "fence '\(name)' of \(facility) (version \(version)) is on the server but not in the file; it is kept "
                    + "(remove it with DELETE /api/v1/fences/\(id))"
            }
        }
    }

    /// The fences to create or reshape, in the file's order.
    public var fences: [FenceChange]
    /// What differs and stays as it is.
    public var notes: [Note]

    /// Whether applying the file's `fences:` writes nothing.
    public var isEmpty: Bool { fences.isEmpty }

    /// Compares a file's fences with the server's.
    /// - Parameters:
    ///   - file: The file.
    ///   - facilities: Every facility of the server.
    ///   - fences: Every fence of the server.
    /// - Throws: ``PolicyFileError`` naming the fence of the file that cannot be matched: its
    ///   facility is not the server's, or its name is that of several facilities, or of several
    ///   fences of its facility. Nothing of the file is to be applied then.
    public init(file: PolicyFile, facilities: [Facility], fences: [PolicyFile.ServerFence]) throws {
        self.fences = []
        notes = []
        guard let entries = file.fences else { return }
        let facilitiesByName = Dictionary(grouping: facilities, by: \.name)
        let serverFences = Dictionary(grouping: fences) { FenceKey(facilityID: $0.facilityID, name: $0.draft.name) }
        var listed: Set<FenceKey> = []
        for (index, entry) in entries.enumerated() {
            let facilityID = try Self.facility(named: entry.facility, in: facilitiesByName, item: "fences[\(index)]")
            let key = FenceKey(facilityID: facilityID, name: entry.draft.name)
            listed.insert(key)
            let matches = serverFences[key] ?? []
            guard matches.count <= 1 else {
                throw PolicyFileError(
                    line: nil, field: "fences[\(index)].name",
                    message: "is the name of \(matches.count) fences of \(entry.facility) on the server "
                        + "(\(matches.map(\.id.rawValue).sorted().joined(separator: ", "))); rename all but one "
                        + "(PUT /api/v1/fences/{id}) so that the file names one fence")
            }
            if let current = matches.first, current.draft.shape == entry.draft.shape { continue }
            self.fences.append(FenceChange(entry: entry, facilityID: facilityID, current: matches.first))
        }
        let facilityNames = Dictionary(facilities.map { ($0.id, $0.name) }) { first, _ in first }
        notes = fences.filter { !listed.contains(FenceKey(facilityID: $0.facilityID, name: $0.draft.name)) }
            .map { fence in
                Note.fenceNotInFile(
                    facility: facilityNames[fence.facilityID] ?? fence.facilityID.rawValue, name: fence.draft.name,
                    id: fence.id, version: fence.version)
            }
    }

    /// A fence as the file names it, its facility resolved.
    private struct FenceKey: Hashable {
        let facilityID: FacilityID
        let name: String
    }

    /// The facility a fence of the file names.
    /// - Parameters:
    ///   - name: The facility's name, as the file writes it.
    ///   - facilities: The server's facilities by name.
    ///   - item: The fence's path, such as `fences[2]`.
    /// - Throws: ``PolicyFileError`` on the fence's `facility` when no facility, or more than one,
    ///   has the name.
    private static func facility(named name: String, in facilities: [String: [Facility]], item: String) throws -> FacilityID {
        let namesakes = facilities[name] ?? []
        guard namesakes.count <= 1 else {
            throw PolicyFileError(
                line: nil, field: "\(item).facility",
                message: "is the name of \(namesakes.count) facilities (\(namesakes.map(\.id.rawValue).sorted().joined(separator: ", "))); "
                    + "give each its own name (PATCH /api/v1/facilities/{id}) so that the file names one")
        }
        guard let facility = namesakes.first else {
            let known = facilities.keys.sorted().map { "'\($0)'" }
            let listed = known.prefix(10).joined(separator: ", ") + (known.count > 10 ? " and \(known.count - 10) more" : "")
            throw PolicyFileError(
                line: nil, field: "\(item).facility",
                message: "'\(name)' is not a facility of the server"
                    + (known.isEmpty ? ", which has none yet" : "; its facilities are \(listed)"))
        }
        return facility.id
    }
}
