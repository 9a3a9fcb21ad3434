import Foundation
import VigilCore

// The `fences:` of the configuration in force: what `vigil policy export` writes, each fence named
// by its facility's name, so that applying the file changes nothing.

extension PolicyFile {
    /// A fence as the server has it, as far as a policy file is concerned: what `GET
    /// /api/v1/fences` lists of it, or the store's record.
    public struct ServerFence: Sendable, Equatable {
        /// Its identifier.
        public var id: FenceID
        /// The facility it bounds.
        public var facilityID: FacilityID
        /// Its name and shape.
        public var draft: FenceDraft
        /// Its version, which a change names.
        public var version: Int

        /// Describes a fence.
        public init(id: FenceID, facilityID: FacilityID, draft: FenceDraft, version: Int) {
            self.id = id
            self.facilityID = facilityID
            self.draft = draft
            self.version = version
        }

        /// The policy file's view of a stored fence.
        /// - Parameter fence: The fence.
        public init(_ fence: Fence) {
            self.init(
                id: fence.id, facilityID: fence.facilityID, draft: FenceDraft(name: fence.name, shape: fence.shape),
                version: fence.version)
        }

        /// Reads a fence from the Feature the API writes of it (``Fence/feature``).
        /// - Parameter feature: The Feature: its ID, and `name`, `facilityID`, `version` (and a
        ///   circle's `radius`) among its properties.
        /// - Throws: ``ValidationError`` naming the member missing or at fault.
        public init(feature: GeoJSON.Feature) throws {
            guard let id = feature.id.flatMap(FenceID.init(validating:)) else {
                throw ValidationError(field: "id", message: "must be a fence's identifier")
            }
            guard case .string(let facility)? = feature.properties["facilityID"],
                let facilityID = FacilityID(validating: facility)
            else {
                throw ValidationError(field: "properties.facilityID", message: "must be a facility's identifier")
            }
            guard let version = feature.properties["version"]?.number, version >= 1, version == version.rounded() else {
                throw ValidationError(field: "properties.version", message: "must be a whole number from 1")
            }
            self.init(id: id, facilityID: facilityID, draft: try FenceDraft(feature: feature), version: Int(version))
        }
    }

    /// The `fences:` of the fences in force, ordered by facility name, then fence name.
    /// - Parameters:
    ///   - fences: Every fence of the organization.
    ///   - facilities: Every facility.
    /// - Returns: The section's fences.
    /// - Throws: ``PolicyFileError`` on field `fences` when the file could not name a fence: its
    ///   facility shares its name with another facility, or has another fence of the same name.
    public static func fences(inForce fences: [ServerFence], facilities: [Facility]) throws -> [FenceEntry] {
        let byName = Dictionary(grouping: facilities, by: \.name)
        let byID = Dictionary(facilities.map { ($0.id, $0) }) { first, _ in first }
        var entries: [FenceEntry] = []
        var fenceByName: [String: ServerFence] = [:]
        for fence in fences {
            guard let facility = byID[fence.facilityID] else {
                throw PolicyFileError(
                    line: nil, field: "fences", message: "fence \(fence.id) bounds \(fence.facilityID), which is not a facility")
            }
            if let namesakes = byName[facility.name], namesakes.count > 1 {
                throw PolicyFileError(
                    line: nil, field: "fences",
                    message: "cannot name the facility of fence \(fence.id): \(namesakes.count) facilities are named "
                        + "'\(facility.name)' (\(namesakes.map(\.id.rawValue).sorted().joined(separator: ", "))); give each its "
                        + "own name (PATCH /api/v1/facilities/{id}) and export again")
            }
            let key = "\(facility.name)\n\(fence.draft.name)"
            if let namesake = fenceByName[key] {
                throw PolicyFileError(
                    line: nil, field: "fences",
                    message: "cannot name fence \(fence.id): \(namesake.id) of \(facility.name) has its name, "
                        + "'\(fence.draft.name)'; rename one (PUT /api/v1/fences/{id}) and export again")
            }
            fenceByName[key] = fence
            entries.append(FenceEntry(facility: facility.name, draft: fence.draft))
        }
        return entries.sorted { ($0.facility, $0.draft.name) < ($1.facility, $1.draft.name) }
    }
}
