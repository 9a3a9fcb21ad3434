import Foundation
import VigilCore
import VigilServer

/// The BYOD routes that `vigil policy` reads and writes: documents, settings and the app catalog.
extension AdminClient {
    /// What `POST /api/v1/agreements` answers.
    struct Publication: Decodable {
        let agreement: Agreement
        let evaluation: FleetEvaluationJob
    }

    /// What `PUT /api/v1/byod/settings` answers.
    struct SettingsReplacement: Decodable {
        let changed: Bool
        let settings: BYODSettings
    }

    /// Every published document version.
    func agreements() async throws -> [Agreement] {
        let list: Items<Agreement> = try await call("GET", "/api/v1/agreements", body: nil, expecting: 200)
        return list.items
    }

    /// Publishes the next version of a document.
    func publish(_ draft: AgreementDraft) async throws -> Publication {
        try await call("POST", "/api/v1/agreements", body: try VigilJSON.makeEncoder().encode(draft), expecting: 201)
    }

    /// The BYOD settings in force.
    func byodSettings() async throws -> BYODSettings {
        try await call("GET", "/api/v1/byod/settings", body: nil, expecting: 200)
    }

    /// Replaces the BYOD settings, if they are still at `settings.version`.
    func replace(_ settings: BYODSettings) async throws -> SettingsReplacement {
        try await call("PUT", "/api/v1/byod/settings", body: try VigilJSON.makeEncoder().encode(settings), expecting: 200)
    }

    /// The app catalog.
    func catalogApps() async throws -> [CatalogApp] {
        let list: Items<CatalogApp> = try await call("GET", "/api/v1/apps", body: nil, expecting: 200)
        return list.items
    }

    /// Adds an app to the catalog (`version` `nil`) or changes one still at `version`.
    func put(_ app: PolicyFile.App, replacingVersion version: Int?) async throws -> CatalogApp {
        struct Body: Encodable {
            let name: String
            let platforms: [String]
            let ownerships: [String]
            let handlesPHI: Bool
            let required: Bool
            let version: Int?
        }
        let body = Body(
            name: app.draft.name, platforms: app.draft.platforms.map(\.rawValue).sorted(),
            ownerships: app.draft.ownerships.map(\.rawValue).sorted(), handlesPHI: app.draft.handlesPHI,
            required: app.draft.required, version: version)
        // The identifier was checked as the file was read: letters, digits, '.', '-' and '_' only.
        return try await call(
            "PUT", "/api/v1/apps/\(app.id)", body: try VigilJSON.makeEncoder().encode(body), expecting: version == nil ? 201 : 200)
    }

    /// A list answer, `{"items": [...]}`.
    private struct Items<Item: Decodable>: Decodable { let items: [Item] }
}
