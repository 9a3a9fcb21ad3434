import GRDB
import VigilCore

extension SQLiteStore {
    public func appendAuditEvent(_ event: AuditEventDraft) async throws -> AuditEvent {
        try await write { db in try Self.append(event, in: db) }
    }

    public func auditEvents(_ filter: AuditEventFilter, _ page: PageRequest) async throws -> Page<AuditEvent> {
        let statement = LedgerSQL.search(
            filter, .newestFirst(before: try LedgerSQL.sequence(cursor: page.after)), limit: page.limit + 1)
        let events = try await pool.read { db in try db.run(statement) { try AuditEvent(storedRow: $0) } }
        return Page(fetched: events, request: page) { String($0.sequence) }
    }
}
