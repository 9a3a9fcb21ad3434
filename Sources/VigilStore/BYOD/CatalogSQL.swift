import Foundation
import VigilCore

/// The statements of the app catalog (`catalog_apps`), written once for both backends. An entry
/// is kept whole as a JSON document; its version, PHI flags and times are columns besides, so
/// that writes can check the version and queries can filter without reading documents. Writes
/// return the row they changed, so that both backends can tell a stale version from a success.
enum CatalogSQL {
    static let columns = "id, version, document"

    static let apps = SQLStatement("SELECT \(columns) FROM catalog_apps ORDER BY id")

    static func app(id: String) -> SQLStatement {
        SQLStatement("SELECT \(columns) FROM catalog_apps WHERE id = ?", [.text(id)])
    }

    /// The stored version of an app, to tell a missing app from a stale version.
    static func version(id: String) -> SQLStatement {
        SQLStatement("SELECT version FROM catalog_apps WHERE id = ?", [.text(id)])
    }

    /// Inserts an app unless its ID is taken; returns its ID when it was inserted.
    static func insert(_ app: CatalogApp) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO catalog_apps (id, version, handles_phi, approved_for_phi, document, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            [.text(app.id), .integer(Int64(app.version)), .integer(app.handlesPHI ? 1 : 0),
             .integer(app.approvedForPHI ? 1 : 0), .text(CatalogJSON.encode(app)), .date(app.createdAt),
             .date(app.updatedAt)])
    }

    /// Replaces an app if it is still at `fromVersion`; returns its ID when it was replaced.
    static func update(_ app: CatalogApp, fromVersion: Int) -> SQLStatement {
        SQLStatement(
            """
            UPDATE catalog_apps SET version = ?, handles_phi = ?, approved_for_phi = ?, document = ?, updated_at = ?
            WHERE id = ? AND version = ? RETURNING id
            """,
            [.integer(Int64(app.version)), .integer(app.handlesPHI ? 1 : 0), .integer(app.approvedForPHI ? 1 : 0),
             .text(CatalogJSON.encode(app)), .date(app.updatedAt), .text(app.id), .integer(Int64(fromVersion))])
    }

    /// Removes an app if it is still at `version`; returns its ID when it was removed.
    static func remove(id: String, version: Int) -> SQLStatement {
        SQLStatement(
            "DELETE FROM catalog_apps WHERE id = ? AND version = ? RETURNING id", [.text(id), .integer(Int64(version))])
    }

    /// Why a write that changed no row was refused, from the app's stored version (`nil` when
    /// there is none).
    /// - Parameters:
    ///   - id: The app.
    ///   - expected: The version the write expected; `nil` for an insert.
    ///   - stored: The version stored now.
    static func refusal(id: String, expected: Int?, stored: Int?) -> StoreError {
        switch (expected, stored) {
        case (nil, _): .conflict("app \(id) is in the catalog already")
        case (_, nil): .notFound("app \(id) in the catalog")
        case (let expected?, let stored?):
            .conflict("app \(id) is at version \(stored), not \(expected): someone changed it meanwhile; read it again")
        }
    }
}

/// Conversions between catalog apps and their columns, shared by both backends.
enum CatalogJSON {
    static func encode(_ app: CatalogApp) -> String { StoredJSON.encode(app) }

    /// Reads an app from the columns of ``CatalogSQL/columns``; the document must agree with
    /// the `id` and `version` columns that writes are checked against.
    static func decode(stored row: some StoredRow) throws -> CatalogApp {
        let app = try StoredJSON.decode(CatalogApp.self, from: try row.text(2), column: "catalog_apps.document")
        guard app.id == (try row.text(0)), Int64(app.version) == (try row.integer(1)) else {
            throw StoreError.corruptRecord("catalog_apps.document disagrees with its id or version")
        }
        return app
    }
}
