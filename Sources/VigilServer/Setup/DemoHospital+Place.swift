import Foundation
import VigilCore
import VigilStore

extension DemoHospital {
    /// Puts the fences of a policy file in place in a database whose facilities have none yet, as
    /// `vigil policy apply` does over the API: creates each fence, with its audit event by
    /// `startup`.
    /// - Parameters:
    ///   - file: The file, such as ``file()``.
    ///   - store: The store, holding the facilities the file names (those of ``records(at:includeAdministrator:)``).
    ///   - now: The time of every write.
    /// - Returns: What was written.
    /// - Throws: ``PolicyFileError`` for a fence whose facility the store does not have,
    ///   ``StoreError/conflict(_:)`` when a fence of the file is in the store already.
    static func loadFences(_ file: PolicyFile, into store: any VigilStore, at now: Date) async throws -> PlaceChanges {
        let changes = try PlaceChanges(
            file: file, facilities: try await store.facilities(try PageRequest(limit: PageRequest.maximumLimit)).items,
            fences: try await store.fences(facilityID: nil).map(PolicyFile.ServerFence.init))
        for change in changes.fences {
            if let current = change.current {
                throw StoreError.conflict("fence \(current.id) of \(change.entry.facility) is in the store already")
            }
            let fence = change.entry.draft.fence(of: change.facilityID, at: now)
            try await store.createFence(
                fence,
                audit: AuditEventDraft(
                    occurredAt: now, actor: .system("startup"), action: .fenceCreated, target: .fence(fence.id),
                    outcome: .success, reason: "demo hospital: \(fence.name) of \(change.entry.facility)"))
        }
        return changes
    }
}
