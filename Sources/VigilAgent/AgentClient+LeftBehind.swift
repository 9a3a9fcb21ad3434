import Foundation
import VigilCore

extension AgentClient {
    /// Reports the device left behind: still since `stationarySince`, untouched since
    /// `lastInteractionAt` (`POST /agent/v1/left-behind`).
    /// - Returns: What the server did (a lock arrives as a command too).
    public func reportLeftBehind(_ report: LeftBehindReport) async throws -> LeftBehindAnswer {
        try await exclusively { try await sendSigned("left-behind", report, expecting: 200) }
    }
}
