import Foundation
import VigilCore

/// The fleet's daily risk snapshots, the trend of the risk report (`docs/byod.md`, "Risk and
/// liability"). Snapshots are figures computed from the store, not records of an action, so
/// they are not audit events.
public protocol RiskStore: Sendable {
    /// Records the snapshot of its day, replacing one recorded earlier that day.
    /// - Parameters:
    ///   - snapshot: The day's figures.
    ///   - time: When it was computed.
    func recordRiskSnapshot(_ snapshot: RiskSnapshot, at time: Date) async throws

    /// The snapshots of the days from `firstDay` through `lastDay` (`YYYY-MM-DD`), oldest first.
    /// - Parameters:
    ///   - firstDay: The first day, included.
    ///   - lastDay: The last day, included.
    /// - Returns: The recorded snapshots; days without one are left out.
    func riskSnapshots(from firstDay: String, through lastDay: String) async throws -> [RiskSnapshot]
}
