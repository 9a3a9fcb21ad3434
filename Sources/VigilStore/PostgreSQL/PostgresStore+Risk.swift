import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    /// One statement, without the write lock: a snapshot is not an audited write.
    public func recordRiskSnapshot(_ snapshot: RiskSnapshot, at time: Date) async throws {
        try await client.withConnection { connection in
            try await connection.run(RiskSQL.recordSnapshot(snapshot, at: time), logger: logger)
        }
    }

    public func riskSnapshots(from firstDay: String, through lastDay: String) async throws -> [RiskSnapshot] {
        try await read(RiskSQL.snapshots(from: firstDay, through: lastDay), RiskSQL.decode(stored:))
    }
}
