import PostgresNIO
import VigilCore

extension PostgresStore {
    public func appendAuditEvent(_ event: AuditEventDraft) async throws -> AuditEvent {
        try await transaction { connection in
            try await append(event, on: connection)
        }
    }

    public func auditEvents(_ filter: AuditEventFilter, _ page: PageRequest) async throws -> Page<AuditEvent> {
        let statement = LedgerSQL.search(
            filter, .newestFirst(before: try LedgerSQL.sequence(cursor: page.after)), limit: page.limit + 1)
        let events = try await read(statement) { try AuditEvent(storedRow: $0) }
        return Page(fetched: events, request: page) { String($0.sequence) }
    }
}
