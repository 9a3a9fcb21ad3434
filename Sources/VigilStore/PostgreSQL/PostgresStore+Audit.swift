import PostgresNIO
import VigilCore

extension PostgresStore {
    public func appendAuditEvent(_ event: AuditEventDraft) async throws -> AuditEvent {
        try await transaction { connection in
            try await append(event, on: connection)
        }
    }

    public func auditEvents(_ filter: AuditEventFilter, _ page: PageRequest) async throws -> Page<AuditEvent> {
        let conditions = try AuditCondition.conditions(for: filter, after: page.after)
        var bindings = PostgresBindings()
        var clauses: [String] = []
        for condition in conditions {
            switch condition.value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            }
            clauses.append(condition.sqlPrefix + "$\(bindings.count)")
        }
        bindings.append(page.limit + 1)
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Columns.auditEvent) FROM audit_events \(whereClause)
                ORDER BY sequence DESC LIMIT $\(bindings.count)
                """,
            binds: bindings)
        let events = try await client.query(query, logger: logger).map(AuditEvent.init(postgresRow:))
        return Page(fetched: events, request: page) { String($0.sequence) }
    }
}
