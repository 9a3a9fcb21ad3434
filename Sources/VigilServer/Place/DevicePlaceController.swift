import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/devices/{id}/place` and `/location-fixes`: where a device and its person are, the
/// transitions of its place, and the fixes kept for a hospital-owned device.
struct DevicePlaceController {
    let store: any VigilStore
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/devices/{id}/place", .readDevices, handler: place),
            APIEndpoint(.get, "/devices/{id}/location-fixes", .readLocations, handler: fixes),
        ]
    }

    /// The place and a page of its transitions, newest first.
    struct PlaceResource: Encodable {
        let place: PlaceStatus
        let transitions: ListResponse<PlaceTransition>
    }

    @Sendable func place(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let page = try QueryParameters(request).page()
        let id = try context.pathID(DeviceID.self)
        let now = Date().roundedToMilliseconds
        guard let subject = try await store.evaluationSubject(deviceID: id, at: now) else {
            throw Problem.notFound("There is no device \(id).")
        }
        let person = try await compliance.policies.evaluator().personPlace(of: subject, at: now)
        return try APIJSON.response(
            PlaceResource(
                place: PlaceStatus(person: person, device: subject.places.first { $0.deviceID == id }.map { $0.settled(at: now) }),
                transitions: ListResponse(try await store.placeTransitions(deviceID: id, page))))
    }

    /// The fixes kept, newest first: only a hospital-owned device's, and only for those who may
    /// see its precise location under the collection matrix.
    @Sendable func fixes(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let page = try QueryParameters(request).page()
        let id = try context.pathID(DeviceID.self)
        guard let device = try await store.device(id: id) else { throw Problem.notFound("There is no device \(id).") }
        let identity = try context.requireIdentity()
        let collection = try await compliance.policies.byodSettings().collection
        guard collection.keepsLocationFixes(for: device.ownership) else {
            throw Problem.notFound("No fixes are kept for \(device.ownership.rawValue) devices: only their place is.")
        }
        guard collection.canSee(.preciseLocation, of: device, viewer: DeviceViewer(personID: identity.person.id, roles: identity.roles))
        else {
            throw Problem.forbidden("The collection matrix hides this device's precise location from your roles.")
        }
        return try APIJSON.response(ListResponse(try await store.locationFixes(deviceID: id, page)))
    }
}
