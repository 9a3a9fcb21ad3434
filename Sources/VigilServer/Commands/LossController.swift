import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `POST /api/v1/devices/{id}/loss` (an administrator or security officer) and
/// `POST /api/v1/me/devices/{id}/loss` (the device's own person): report a device lost, stolen
/// or found (`docs/commands.md`, "Lost, stolen, left behind").
struct LossController {
    let store: any VigilStore
    let bodyLimit: Int
    let desk: LossDesk

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.post, "/devices/{id}/loss", .issueCommands, audit: .deviceLossReported, handler: reportAny),
            APIEndpoint(.post, "/me/devices/{id}/loss", .readSelf, audit: .deviceLossReported, handler: reportOwn),
        ]
    }

    /// The body of both routes: ``LossReport``'s fields.
    struct ReportBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case status, message, phone, reason }
        let status: LossReport.Status
        let message: String?
        let phone: String?
        let reason: String
    }

    @Sendable func reportAny(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let device = try await existingDevice(context)
        return try await report(request, context, about: device, ownDevice: false)
    }

    /// A person reports their own device; anyone else's is not found, as if it did not exist.
    @Sendable func reportOwn(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let device = try await existingDevice(context)
        guard device.personID == (try context.requireIdentity()).person.id else {
            throw Problem.notFound("There is no device \(device.id) of yours.")
        }
        return try await report(request, context, about: device, ownDevice: true)
    }

    private func report(
        _ request: Request, _ context: VigilRequestContext, about device: Device, ownDevice: Bool
    ) async throws -> Response {
        let body = try await request.decodeBody(as: ReportBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let outcome = try await desk.report(
            LossReport(status: body.status, message: body.message, phone: body.phone, reason: body.reason), about: device,
            by: .person(try context.requireIdentity()), ownDevice: ownDevice, at: now, audit: context.eventMaker(at: now))
        return try APIJSON.response(outcome)
    }

    private func existingDevice(_ context: VigilRequestContext) async throws -> Device {
        let id = try context.pathID(DeviceID.self)
        guard let device = try await store.device(id: id) else { throw Problem.notFound("There is no device \(id).") }
        return device
    }
}
