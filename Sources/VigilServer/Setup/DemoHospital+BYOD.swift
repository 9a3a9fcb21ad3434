import Foundation
import VigilCore
import VigilStore

extension DemoHospital {
    /// Puts the BYOD program of a policy file in force in a database that has none yet, as
    /// `vigil policy apply` does over the API: publishes its documents, replaces the settings
    /// and adds its apps, each write with its audit event by `startup`.
    /// - Parameters:
    ///   - file: The file, such as ``file()``.
    ///   - store: The store.
    ///   - now: The time of every write.
    /// - Returns: What was written.
    /// - Throws: ``PolicyFileError`` for a document the publication rules refuse,
    ///   ``StoreError/conflict(_:)`` when an app of the file is in the catalog already.
    static func loadBYOD(_ file: PolicyFile, into store: any VigilStore, at now: Date) async throws -> BYODChanges {
        let changes = try BYODChanges(
            file: file, agreements: try await store.agreements(), settings: try await store.byodSettings(),
            apps: try await store.catalogApps(), at: now)
        func event(_ action: AuditAction, _ target: AuditTarget, _ reason: String) -> AuditEventDraft {
            AuditEventDraft(
                occurredAt: now, actor: .system("startup"), action: action, target: target, outcome: .success,
                reason: "demo hospital: " + reason)
        }
        for publication in changes.publications {
            let agreement = try Agreement.publish(publication.draft, previous: publication.previous, at: now)
            try await store.publishAgreement(
                agreement,
                audit: event(
                    .agreementPublished, AuditTarget(type: "agreement", id: agreement.id.rawValue),
                    "\(agreement.name) version \(agreement.version) sha256 \(agreement.sha256)"))
        }
        if let change = changes.settings {
            var settings = change.desired
            settings.version = change.current.version + 1
            try await store.saveBYODSettings(
                settings, replacingVersion: change.current.version,
                audit: event(
                    .byodSettingsUpdated, AuditTarget(type: "byod_settings", id: "byod"),
                    settings.changeReason(from: change.current)))
        }
        for change in changes.apps {
            let app = try CatalogApp.create(id: change.app.id, from: change.app.draft, at: now)
            try await store.saveCatalogApp(
                app, replacingVersion: nil, audit: event(.appCreated, AuditTarget(type: "app", id: app.id), "version 1"))
        }
        return changes
    }
}
