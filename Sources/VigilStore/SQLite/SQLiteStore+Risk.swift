import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func recordRiskSnapshot(_ snapshot: RiskSnapshot, at time: Date) async throws {
        try await write { db in try db.run(RiskSQL.recordSnapshot(snapshot, at: time)) }
    }

    public func riskSnapshots(from firstDay: String, through lastDay: String) async throws -> [RiskSnapshot] {
        try await pool.read { db in
            try db.run(RiskSQL.snapshots(from: firstDay, through: lastDay), RiskSQL.decode(stored:))
        }
    }
}
