import Foundation
import VigilCore

/// The statements of risk snapshots, written once for both backends: one row per day, the
/// snapshot as a JSON document.
enum RiskSQL {
    static func recordSnapshot(_ snapshot: RiskSnapshot, at time: Date) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO risk_snapshots (day, document, recorded_at) VALUES (?, ?, ?)
            ON CONFLICT (day) DO UPDATE SET document = excluded.document, recorded_at = excluded.recorded_at
            """,
            [.text(snapshot.day), .text(StoredJSON.encode(snapshot)), .date(time)])
    }

    static func snapshots(from firstDay: String, through lastDay: String) -> SQLStatement {
        SQLStatement(
            "SELECT day, document FROM risk_snapshots WHERE day >= ? AND day <= ? ORDER BY day",
            [.text(firstDay), .text(lastDay)])
    }

    /// Reads a snapshot from the columns of ``snapshots(from:through:)``.
    static func decode(stored row: some StoredRow) throws -> RiskSnapshot {
        let day = try row.text(0)
        let snapshot = try StoredJSON.decode(RiskSnapshot.self, from: try row.text(1), column: "risk_snapshots.document")
        guard snapshot.day == day else { throw StoreError.corruptRecord("risk_snapshots.document of \(day) is not its snapshot") }
        return snapshot
    }
}
