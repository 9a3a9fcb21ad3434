import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/apps`: the managed-app catalog, its assessments and approval for PHI
/// (`docs/byod.md`, "App vetting").
struct AppCatalogController {
    let store: any VigilStore
    let bodyLimit: Int

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/apps", .readPolicies, handler: list),
            APIEndpoint(.get, "/apps/{id}", .readPolicies, handler: show),
            APIEndpoint(.put, "/apps/{id}", .writePolicies, audit: .appUpdated, handler: put),
            APIEndpoint(.delete, "/apps/{id}", .writePolicies, audit: .appRemoved, handler: remove),
            APIEndpoint(.post, "/apps/{id}/assessments", .assessApps, audit: .appAssessed, handler: assess),
            APIEndpoint(.post, "/apps/{id}/phi-approval", .assessApps, audit: .appPHIApproval, handler: approve),
        ]
    }

    /// The body of `PUT /apps/{id}`: what an administrator writes, and the version they read.
    struct PutBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, platforms, ownerships, handlesPHI, required, version
        }
        let name: String
        let platforms: Set<Platform>?
        let ownerships: Set<Ownership>?
        let handlesPHI: Bool
        let required: Bool?
        /// The version the author read, which must still be the stored one; absent to overwrite.
        let version: Int?
    }

    /// The body of `POST /apps/{id}/assessments`.
    struct AssessmentBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case area, reviewer, date, notes, result }
        let area: String
        let reviewer: String
        let date: String
        let notes: String
        let result: String
    }

    /// The body of `POST /apps/{id}/phi-approval`.
    struct ApprovalBody: APIRequestBody {
        enum CodingKeys: String, CodingKey, CaseIterable { case approved, reason }
        let approved: Bool
        /// Why, for the audit trail; it must name no patient.
        let reason: String
    }

    @Sendable func list(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(["items": try await store.catalogApps()])
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try QueryParameters(request).allowOnly([])
        return try APIJSON.response(try await existingApp(try Self.pathID(context)))
    }

    @Sendable func put(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try CatalogApp.validatedID(context.parameters.get("id") ?? "")
        let body = try await request.decodeBody(as: PutBody.self, limit: bodyLimit)
        if let version = body.version, version < 1 {
            throw Problem.invalidField("version", "must be the app's version as read, a whole number from 1")
        }
        let draft = CatalogAppDraft(
            name: body.name, platforms: body.platforms ?? [], ownerships: body.ownerships ?? [],
            handlesPHI: body.handlesPHI, required: body.required ?? false)
        let now = Date().roundedToMilliseconds
        let current = try await store.catalogApp(id: id)
        if let expected = body.version, current?.version != expected {
            throw Problem.conflict(
                "App \(id) is " + (current.map { "at version \($0.version)" } ?? "not in the catalog")
                    + ", not at version \(expected): someone changed it meanwhile; read it again.")
        }
        guard var app = current else {
            let app = try CatalogApp.create(id: id, from: draft, at: now)
            try await store.saveCatalogApp(
                app, replacingVersion: nil,
                audit: context.auditEvent(.appCreated, target: Self.target(id), reason: "version 1", at: now))
            return try APIJSON.response(app, status: .created, location: "\(APIEndpoint.prefix)/apps/\(id)")
        }
        let previous = app.version
        let withdrawn = try app.replace(with: draft, at: now)
        guard app.version != previous else { return try APIJSON.response(app) }
        let reason = "version \(previous) → \(app.version)"
            + (withdrawn ? "; PHI approval withdrawn: no longer handles PHI" : "")
        try await store.saveCatalogApp(
            app, replacingVersion: previous,
            audit: context.auditEvent(.appUpdated, target: Self.target(id), reason: reason, at: now))
        return try APIJSON.response(app)
    }

    @Sendable func remove(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try Self.pathID(context)
        let query = try QueryParameters(request)
        try query.allowOnly(["version"])
        guard let version = try query.count("version") else {
            throw Problem.invalidQuery("version", "is required: the version of the app as read")
        }
        let now = Date().roundedToMilliseconds
        try await store.removeCatalogApp(
            id: id, version: Int(version),
            audit: context.auditEvent(.appRemoved, target: Self.target(id), reason: "version \(version)", at: now))
        return Response(status: .noContent)
    }

    @Sendable func assess(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try Self.pathID(context)
        let body = try await request.decodeBody(as: AssessmentBody.self, limit: bodyLimit)
        let area = try Self.value(body.area, field: "area", as: AssessmentArea.self)
        let result = try Self.value(body.result, field: "result", as: AssessmentResult.self)
        let now = Date().roundedToMilliseconds
        var app = try await existingApp(id)
        let previous = app.version
        let withdrawn = try app.record(
            AppAssessment(
                area: area, reviewer: body.reviewer, date: body.date, notes: body.notes, result: result, recordedAt: now),
            at: now)
        let reason = "\(area.rawValue) \(result.rawValue), dated \(body.date)" + (withdrawn ? "; PHI approval withdrawn" : "")
        try await store.saveCatalogApp(
            app, replacingVersion: previous,
            audit: context.auditEvent(.appAssessed, target: Self.target(id), reason: reason, at: now))
        return try APIJSON.response(app, status: .created)
    }

    @Sendable func approve(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let id = try Self.pathID(context)
        let body = try await request.decodeBody(as: ApprovalBody.self, limit: bodyLimit)
        let reason = try Validate.text(body.reason, field: "reason", maximumLength: 500)
        let now = Date().roundedToMilliseconds
        var app = try await existingApp(id)
        let previous = app.version
        try app.setPHIApproval(body.approved, at: now)
        try await store.saveCatalogApp(
            app, replacingVersion: previous,
            audit: context.auditEvent(
                .appPHIApproval, target: Self.target(id),
                reason: (body.approved ? "approved for PHI: " : "PHI approval withdrawn: ") + reason, at: now))
        return try APIJSON.response(app)
    }

    /// The app `id` of the catalog.
    /// - Throws: ``Problem`` 404 when it is not in the catalog.
    func existingApp(_ id: String) async throws -> CatalogApp {
        guard let app = try await store.catalogApp(id: id) else {
            throw Problem.notFound("There is no app \(id) in the catalog.")
        }
        return app
    }

    /// The `{id}` of the path, an app's bundle or package identifier.
    /// - Throws: ``Problem`` 404 when it cannot be one.
    static func pathID(_ context: VigilRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), (try? CatalogApp.validatedID(id)) != nil else {
            throw Problem.notFound("There is no app with this ID in the catalog.")
        }
        return id
    }

    /// A body field that must be one of an enumeration's values.
    /// - Throws: ``Problem`` 400 naming the field and listing the values allowed.
    static func value<Value: RawRepresentable & CaseIterable>(_ text: String, field: String, as _: Value.Type) throws
        -> Value where Value.RawValue == String
    {
        guard let value = Value(rawValue: text) else {
            throw Problem.invalidField(field, "must be one of: " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    static func target(_ id: String) -> AuditTarget { AuditTarget(type: "app", id: id) }
}
