import Foundation
import VigilCore
import VigilStore

/// Assesses devices' risk from the store (`docs/byod.md`, "Risk and liability"): one device,
/// or every active device page by page, with the PHI apps of the app catalog.
struct RiskAssessor: Sendable {
    /// Devices read per page.
    static let pageSize = 5_000

    let store: any VigilStore

    /// The identifiers of the catalog's apps that handle PHI.
    func phiAppIDs() async throws -> Set<String> {
        Set(try await store.catalogApps().filter(\.handlesPHI).map(\.id))
    }

    /// One device's risk, retired or not; `nil` when it does not exist.
    func device(_ id: DeviceID, at now: Date) async throws -> DeviceRisk? {
        guard let subject = try await store.evaluationSubject(deviceID: id, at: now) else { return nil }
        return DeviceRisk(subject: subject, phiAppIDs: try await phiAppIDs(), at: now)
    }

    /// Every active device's risk, tallied.
    /// - Parameters:
    ///   - top: How many of the highest risks to keep with their factors.
    ///   - now: The moment of the assessment.
    func fleet(keepingTop top: Int, at now: Date) async throws -> RiskTally {
        let phiAppIDs = try await phiAppIDs()
        var tally = RiskTally(keepingTop: top)
        var after: DeviceID?
        while true {
            let page = try await store.evaluationSubjects(after: after, limit: Self.pageSize, at: now)
            for subject in page { tally.add(DeviceRisk(subject: subject, phiAppIDs: phiAppIDs, at: now)) }
            guard page.count == Self.pageSize, let last = page.last else { return tally }
            after = last.device.id
        }
    }
}
