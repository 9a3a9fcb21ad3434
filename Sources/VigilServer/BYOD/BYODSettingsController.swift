import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `/api/v1/byod/settings`: the approval rules of personal devices and the collection matrix
/// (`docs/byod.md`). A change is in force at once for the next enrollment and check-in.
struct BYODSettingsController {
    let store: any VigilStore
    let bodyLimit: Int
    let compliance: ComplianceServices

    var endpoints: [APIEndpoint] {
        [
            APIEndpoint(.get, "/byod/settings", .readPolicies, handler: show),
            APIEndpoint(.put, "/byod/settings", .writePolicies, audit: .byodSettingsUpdated, handler: replace),
        ]
    }

    /// The body of `PUT /byod/settings`: the whole settings. Parts left out take their defaults.
    struct ReplaceBody: APIRequestBody {
        typealias CodingKeys = BYODSettings.CodingKeys
        let settings: BYODSettings

        init(from decoder: any Decoder) throws { settings = try BYODSettings(from: decoder) }
    }

    /// What a replacement did.
    struct Replaced: Encodable {
        let changed: Bool
        let settings: BYODSettings
    }

    @Sendable func show(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        try APIJSON.response(try await store.byodSettings())
    }

    /// Replaces the settings. A body `version` must be the version in force (else 409: someone
    /// changed them meanwhile); without one the replacement applies to whatever is in force.
    @Sendable func replace(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let data = try await request.collectJSONBody(limit: bodyLimit)
        let expectsVersion = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["version"] != nil
        var desired = try JSONBody.decode(ReplaceBody.self, from: data).settings.validated()
        let current = try await store.byodSettings()
        if expectsVersion, desired.version != current.version {
            throw Problem.conflict(
                "The BYOD settings are at version \(current.version), not \(desired.version); read them again.")
        }
        guard !desired.sameContent(as: current) else {
            return try APIJSON.response(Replaced(changed: false, settings: current))
        }
        desired.version = current.version + 1
        let now = Date().roundedToMilliseconds
        try await store.saveBYODSettings(
            desired, replacingVersion: current.version,
            audit: context.auditEvent(
                .byodSettingsUpdated, target: AuditTarget(type: "byod_settings", id: "byod"),
                reason: desired.changeReason(from: current), at: now))
        try await compliance.policies.reload()
        return try APIJSON.response(Replaced(changed: true, settings: desired))
    }
}
