import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/devices`: the inventory, each device's posture and history, approval and retirement.
struct DevicesController {
    let store: any VigilStore
    let bodyLimit: Int
    /// Retirement ends the device's sessions at once.
    let sessions: DeviceSessions
    /// Approval and retirement change the device's access decision at once.
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/devices", .readDevices, handler: list),
            APIEndpoint(.get, "/devices.csv", .readDevices, handler: exportCSV),
            APIEndpoint(.get, "/devices/{id}", .readDevices, handler: show),
            APIEndpoint(.get, "/devices/{id}/postures", .readDevices, handler: postures),
            APIEndpoint(.get, "/devices/{id}/history", .readDevices, handler: history),
            APIEndpoint(.post, "/devices/{id}/approve", .writeDevices, audit: .deviceApproved, handler: approve),
            APIEndpoint(.post, "/devices/{id}/deny", .writeDevices, audit: .deviceDenied, handler: deny),
            APIEndpoint(.post, "/devices/{id}/retire", .writeDevices, audit: .deviceRetired, handler: retire),
        ]
    }

    /// The body of `POST /devices/{id}/approve` and `/deny`.
    struct DecisionBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case reason }
        /// Why; required to deny.
        let reason: String?
    }

    /// The body of `POST /devices/{id}/retire`.
    struct RetireBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case disposition, custodian, note }
        let disposition: RetirementDisposition
        /// Who is responsible for the hardware now.
        let custodian: String
        let note: String?
    }

    /// The filter parameters of the inventory.
    static let filterParameters: Set<String> = [
        "ownership", "deviceClass", "platform", "approval", "compliance", "status", "personID", "facilityID",
        "lastSeenBefore", "lastSeenSince", "sort",
    ]

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(alsoAllowing: Self.filterParameters)
        let (filter, sort) = try Self.inventoryQuery(query)
        let devices = try await inventoryPage(filter, sort: sort, page)
        let view = try await DeviceView(context, compliance: compliance)
        return try APIJSON.response(ListResponse(devices, view.resource))
    }

    @Sendable func exportCSV(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        try query.allowOnly(Self.filterParameters)
        let (filter, sort) = try Self.inventoryQuery(query)
        let view = try await DeviceView(context, compliance: compliance)
        var csv = DeviceCSV.header
        for device in try await store.allDevices(filter, sort: sort) { csv += view.csvRow(device) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"vigil-devices.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let device = try await requireDevice(context)
        let history = try await store.auditEvents(
            AuditEventFilter(targetType: "device", targetID: device.id.rawValue), PageRequest(limit: 20))
        let view = try await DeviceView(context, compliance: compliance)
        return try APIJSON.response(DeviceDetailResource(device: view.resource(device), recentHistory: history.items))
    }

    @Sendable func postures(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let device = try await requireDevice(context)
        let page = try QueryParameters(request).page()
        if let cursor = page.after, Identifier<PostureRecord>(validating: cursor) == nil {
            throw Problem.invalidQuery("cursor", "is not a cursor returned by this route")
        }
        let view = try await DeviceView(context, compliance: compliance)
        return try APIJSON.response(
            ListResponse(try await store.postureHistory(deviceID: device.id, page)) { view.resource($0, of: device) })
    }

    @Sendable func history(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let device = try await requireDevice(context)
        let page = try QueryParameters(request).page()
        if let cursor = page.after, Int64(cursor) == nil {
            throw Problem.invalidQuery("cursor", "is not a cursor returned by this route")
        }
        let events = try await store.auditEvents(
            AuditEventFilter(targetType: "device", targetID: device.id.rawValue), page)
        return try APIJSON.response(ListResponse(events))
    }

    @Sendable func approve(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try await decide(request, context, approved: true)
    }

    @Sendable func deny(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try await decide(request, context, approved: false)
    }

    func decide(_ request: Request, _ context: VigilRequestContext, approved: Bool) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID(DeviceID.self)
        let body = try await request.decodeBody(as: DecisionBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let action: AuditAction = approved ? .deviceApproved : .deviceDenied
        let device = try await store.updateDevice(
            id: id, audit: context.auditEvent(action, target: .device(id), reason: body.reason, at: now)
        ) { device in
            try device.decideApproval(approved: approved, reason: body.reason, by: identity.person.id, at: now)
        }
        _ = try await compliance.evaluator.evaluate(id, actor: .person(identity), at: now)
        return try APIJSON.response(try await DeviceView(context, compliance: compliance).resource(device))
    }

    @Sendable func retire(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID(DeviceID.self)
        let body = try await request.decodeBody(as: RetireBody.self, limit: bodyLimit)
        let now = Date().roundedToMilliseconds
        let device = try await store.updateDevice(
            id: id,
            audit: context.auditEvent(
                .deviceRetired, target: .device(id), reason: "disposition=\(body.disposition.rawValue)", at: now)
        ) { device in
            try device.retire(
                disposition: body.disposition, custodian: body.custodian, note: body.note, by: identity.person.id,
                at: now)
        }
        sessions.endSessions(of: id)
        _ = try await compliance.evaluator.evaluate(id, actor: .person(identity), at: now)
        return try APIJSON.response(try await DeviceView(context, compliance: compliance).resource(device))
    }

    func requireDevice(_ context: VigilRequestContext) async throws -> Device {
        let id = try context.pathID(DeviceID.self)
        guard let device = try await store.device(id: id) else { throw Problem.notFound("There is no device \(id).") }
        return device
    }

    func inventoryPage(_ filter: DeviceFilter, sort: DeviceSort, _ page: PageRequest) async throws -> Page<Device> {
        do {
            return try await store.devices(filter, sort: sort, page)
        } catch let error as ValidationError {
            throw Problem.invalidQuery(error.field, error.message)
        }
    }

    /// Reads the inventory's filter and sort order from the query.
    static func inventoryQuery(_ query: QueryParameters) throws -> (DeviceFilter, DeviceSort) {
        let filter = DeviceFilter(
            ownership: try query.value("ownership", as: Ownership.self),
            deviceClass: try query.value("deviceClass", as: DeviceClass.self),
            platform: try query.value("platform", as: Platform.self),
            approval: try query.value("approval", as: ApprovalState.self),
            compliance: try query.value("compliance", as: ComplianceState.self),
            status: try query.value("status", as: DeviceStatus.self),
            personID: try query.identifier("personID", as: PersonID.self),
            facilityID: try query.identifier("facilityID", as: FacilityID.self),
            lastSeenBefore: try query.time("lastSeenBefore"), lastSeenSince: try query.time("lastSeenSince"))
        guard let sort = query["sort"].map(DeviceSort.init(parameter:)) ?? .enrolledAt else {
            throw Problem.invalidQuery("sort", "must be one of: \(DeviceSort.parameters.joined(separator: ", "))")
        }
        return (filter, sort)
    }
}

/// The inventory as CSV (RFC 4180), safe to open in a spreadsheet: cells that a spreadsheet
/// would run as a formula are prefixed with an apostrophe. Lists (hardware identifiers, hidden
/// fields) are separated by spaces.
enum DeviceCSV {
    static let columns = [
        "id", "personID", "facilityID", "ownership", "deviceClass", "medicalKind", "platform", "model", "osVersion",
        "hardwareID", "name", "status", "approval", "compliance", "enrolledAt", "lastSeenAt", "retiredAt",
        "disposition", "custodian", "phoneNumber", "hardwareIdentifiers", "hiddenFields",
    ]

    static let header = columns.joined(separator: ",") + "\r\n"

    /// The row of a device as the caller may see it (``DeviceView/csvRow(_:)``).
    static func row(_ device: Device, hiddenFields: [CollectedField]) -> String {
        let values: [String?] = [
            device.id.rawValue, device.personID.rawValue, device.facilityID?.rawValue, device.ownership.rawValue,
            device.deviceClass.rawValue, device.medicalKind?.rawValue, device.platform.rawValue, device.model,
            device.osVersion, device.hardwareID, device.name, device.status.rawValue, device.approval.rawValue,
            device.compliance.rawValue, RFC3339.format(device.enrolledAt), device.lastSeenAt.map(RFC3339.format),
            device.retirement.map { RFC3339.format($0.retiredAt) }, device.retirement?.disposition.rawValue,
            device.retirement?.custodian, device.phoneNumber, device.hardwareIdentifiers.joined(separator: " "),
            hiddenFields.map(\.rawValue).joined(separator: " "),
        ]
        return values.map { CSVCell.escape($0 ?? "") }.joined(separator: ",") + "\r\n"
    }
}
