import VigilCore

/// The managed-app catalog (`docs/byod.md`, "App vetting"): apps with their PHI flags and
/// assessments, each kept whole and guarded by its version.
public protocol CatalogStore: Sendable {
    /// Every app in the catalog, by identifier.
    /// - Returns: The apps.
    func catalogApps() async throws -> [CatalogApp]

    /// The app with the bundle or package identifier `id`, if it is in the catalog.
    /// - Parameter id: The identifier.
    /// - Returns: The app, or `nil`.
    func catalogApp(id: String) async throws -> CatalogApp?

    /// Adds an app or replaces one, and appends its audit event in the same transaction.
    /// - Parameters:
    ///   - app: The app as it is to be stored.
    ///   - replacingVersion: `nil` to add a new app; else the version the stored app must still
    ///     be at for `app` to replace it.
    ///   - audit: The event recording the write.
    /// - Throws: ``StoreError/conflict(_:)`` when adding an identifier that is in the catalog
    ///   already, or replacing an app that is no longer at `replacingVersion`;
    ///   ``StoreError/notFound(_:)`` when replacing an app that is not in the catalog.
    func saveCatalogApp(_ app: CatalogApp, replacingVersion: Int?, audit: AuditEventDraft) async throws

    /// Removes an app that is still at `version`, and appends its audit event in the same
    /// transaction.
    /// - Parameters:
    ///   - id: The app's identifier.
    ///   - version: The version it must still be at.
    ///   - audit: The event recording the removal.
    /// - Throws: ``StoreError/conflict(_:)`` when it is at another version,
    ///   ``StoreError/notFound(_:)`` when it is not in the catalog.
    func removeCatalogApp(id: String, version: Int, audit: AuditEventDraft) async throws
}
