import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func catalogApps() async throws -> [CatalogApp] {
        try await read(CatalogSQL.apps, CatalogJSON.decode(stored:))
    }

    public func catalogApp(id: String) async throws -> CatalogApp? {
        try await read(CatalogSQL.app(id: id), CatalogJSON.decode(stored:)).first
    }

    public func saveCatalogApp(_ app: CatalogApp, replacingVersion: Int?, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            let statement = replacingVersion.map { CatalogSQL.update(app, fromVersion: $0) } ?? CatalogSQL.insert(app)
            try await changeOneApp(statement, id: app.id, expected: replacingVersion, on: connection)
            try await append(audit, on: connection)
        }
    }

    public func removeCatalogApp(id: String, version: Int, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await changeOneApp(CatalogSQL.remove(id: id, version: version), id: id, expected: version, on: connection)
            try await append(audit, on: connection)
        }
    }

    /// Runs a write of one app, refusing it as ``CatalogSQL/refusal(id:expected:stored:)`` says
    /// when it changed no row.
    private func changeOneApp(
        _ statement: SQLStatement, id: String, expected: Int?, on connection: PostgresConnection
    ) async throws {
        guard try await connection.run(statement, logger: logger, { _ in true }).isEmpty else { return }
        let stored = try await connection.run(CatalogSQL.version(id: id), logger: logger) { Int(try $0.integer(0)) }.first
        throw CatalogSQL.refusal(id: id, expected: expected, stored: stored)
    }
}
