import GRDB
import VigilCore

extension SQLiteStore {
    public func appendAuditEvent(_ event: AuditEventDraft) async throws -> AuditEvent {
        try await pool.write { db in try Self.append(event, in: db) }
    }

    public func auditEvents(_ filter: AuditEventFilter, _ page: PageRequest) async throws -> Page<AuditEvent> {
        let conditions = try AuditCondition.conditions(for: filter, after: page.after)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.map { $0.sqlPrefix + "?" }.joined(separator: " AND ")
        var arguments = StatementArguments()
        for condition in conditions {
            switch condition.value {
            case .text(let text): arguments += [text]
            case .integer(let integer): arguments += [integer]
            }
        }
        arguments += [page.limit + 1]
        let events = try await pool.read { [arguments] db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Columns.auditEvent) FROM audit_events \(whereClause) ORDER BY sequence DESC LIMIT ?",
                arguments: arguments
            ).map { try AuditEvent(sqliteRow: $0) }
        }
        return Page(fetched: events, request: page) { String($0.sequence) }
    }
}
