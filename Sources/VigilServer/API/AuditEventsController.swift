import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/audit-events`: searching the audit trail, newest first.
struct AuditEventsController {
    let store: any VigilStore

    var endpoints: [APIEndpoint] {
        [APIEndpoint(.get, "/audit-events", .readAuditEvents, handler: list)]
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let query = try QueryParameters(request)
        let page = try query.page(
            alsoAllowing: ["actor", "targetType", "targetID", "action", "from", "until", "patient", "device", "person"])
        if let cursor = page.after, Int64(cursor) == nil {
            throw Problem.invalidQuery("cursor", "is not a cursor returned by this route")
        }
        let filter = AuditEventFilter(
            actorID: query["actor"], targetType: query["targetType"], targetID: query["targetID"],
            action: query["action"].map(AuditAction.init(rawValue:)), from: try query.time("from"),
            until: try query.time("until"), patientID: query["patient"], deviceID: query["device"],
            personID: query["person"])
        return try APIJSON.response(ListResponse(try await store.auditEvents(filter, page)))
    }
}
