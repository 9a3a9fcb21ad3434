import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func catalogApps() async throws -> [CatalogApp] {
        try await pool.read { db in try db.run(CatalogSQL.apps, CatalogJSON.decode(stored:)) }
    }

    public func catalogApp(id: String) async throws -> CatalogApp? {
        try await pool.read { db in try db.run(CatalogSQL.app(id: id), CatalogJSON.decode(stored:)).first }
    }

    public func saveCatalogApp(_ app: CatalogApp, replacingVersion: Int?, audit: AuditEventDraft) async throws {
        try await write { db in
            let statement = replacingVersion.map { CatalogSQL.update(app, fromVersion: $0) } ?? CatalogSQL.insert(app)
            try Self.changeOneApp(statement, id: app.id, expected: replacingVersion, in: db)
            try Self.append(audit, in: db)
        }
    }

    public func removeCatalogApp(id: String, version: Int, audit: AuditEventDraft) async throws {
        try await write { db in
            try Self.changeOneApp(CatalogSQL.remove(id: id, version: version), id: id, expected: version, in: db)
            try Self.append(audit, in: db)
        }
    }

    /// Runs a write of one app, refusing it as ``CatalogSQL/refusal(id:expected:stored:)`` says
    /// when it changed no row.
    private static func changeOneApp(_ statement: SQLStatement, id: String, expected: Int?, in db: Database) throws {
        guard try db.run(statement, { _ in true }).isEmpty else { return }
        let stored = try db.run(CatalogSQL.version(id: id)) { Int(try $0.integer(0)) }.first
        throw CatalogSQL.refusal(id: id, expected: expected, stored: stored)
    }
}
