import Foundation
import VigilCore

/// How one caller sees device records: the collection matrix in force and who they are. A
/// field collected but hidden (`collect_hidden`) is left out for everyone but security officers
/// and the device's own person, and each record says which fields it left out.
struct DeviceView: Sendable {
    let collection: CollectionMatrix
    let viewer: DeviceViewer

    /// The view of the request's authenticated caller, with the collection matrix in force.
    /// - Throws: ``Problem`` 401 without an authenticated caller.
    init(_ context: VigilRequestContext, compliance: ComplianceServices) async throws {
        let identity = try context.requireIdentity()
        collection = try await compliance.policies.byodSettings().collection
        viewer = DeviceViewer(personID: identity.person.id, roles: identity.roles)
    }

    /// `device` as the caller may see it.
    func resource(_ device: Device) -> DeviceResource {
        let (visible, hidden) = collection.visible(device, to: viewer)
        return DeviceResource(visible, hiddenFields: hidden)
    }

    /// A posture of `device`'s history as the caller may see it.
    func resource(_ record: PostureRecord, of device: Device) -> PostureRecordResource {
        let (posture, hidden) = collection.visible(record.posture, of: device, to: viewer)
        return PostureRecordResource(
            id: record.id.rawValue, deviceID: record.deviceID.rawValue, recordedAt: record.recordedAt, posture: posture,
            hiddenFields: hidden)
    }

    /// `device` as a row of the inventory's CSV, as the caller may see it.
    func csvRow(_ device: Device) -> String {
        let (visible, hidden) = collection.visible(device, to: viewer)
        return DeviceCSV.row(visible, hiddenFields: hidden)
    }
}
