import Foundation
import VigilCore

// Conversions between commands and their columns, shared by both backends.

extension DeviceCommand {
    /// Reads the columns of ``CommandSQL/columns``.
    init(stored row: some StoredRow) throws {
        let table = "commands"
        self.init(
            id: try row.identifier(0), deviceID: try row.identifier(1), kind: try row.enumeration(2, column: "\(table).kind"),
            parameters: try StoredJSON.decode([String: String].self, from: try row.text(3), column: "\(table).parameters"),
            priority: try row.enumeration(4, column: "\(table).priority"),
            state: try row.enumeration(5, column: "\(table).state"), origin: try row.enumeration(6, column: "\(table).origin"),
            issuedBy: try StoredJSON.decode(AuditActor.self, from: try row.text(7), column: "\(table).issued_by"),
            reason: try row.text(8), idempotencyKey: try row.optionalText(9), batchID: try row.optionalIdentifier(10),
            createdAt: try row.date(11), availableAt: try row.date(12), expiresAt: try row.date(13),
            attempts: Int(try row.integer(14)), deliveredAt: try row.optionalDate(15), endedAt: try row.optionalDate(16),
            result: try row.optionalText(17), approvedBy: try row.optionalIdentifier(18),
            cancelledBy: try row.optionalIdentifier(19))
    }

    /// The values of ``CommandSQL/columns``, then the priority's rank; `memo` keeps the JSON of
    /// parameters and issuers met before.
    func storedValues(encoding memo: inout StoredJSON.Memo) -> [SQLValue] {
        [.identifier(id), .identifier(deviceID), .enumeration(kind), .text(memo.encode(parameters)),
         .enumeration(priority), .enumeration(state), .enumeration(origin), .text(memo.encode(issuedBy)),
         .text(reason), .text(idempotencyKey), .identifier(batchID), .date(createdAt), .date(availableAt),
         .date(expiresAt), .integer(Int64(attempts)), .date(deliveredAt), .date(endedAt), .text(result),
         .identifier(approvedBy), .identifier(cancelledBy), .integer(Int64(priority.rank))]
    }
}

extension CommandBatch {
    /// Reads the columns of ``CommandSQL/batchColumns``; the states are counted apart.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), kind: try row.enumeration(1, column: "command_batches.kind"),
            issuedBy: try StoredJSON.decode(AuditActor.self, from: try row.text(2), column: "command_batches.issued_by"),
            reason: try row.text(3), createdAt: try row.date(4), deviceCount: Int(try row.integer(5)),
            refusedCount: Int(try row.integer(6)), idempotencyKey: try row.optionalText(7))
    }
}
