import Foundation
import VigilCore

extension AgentClient {
    /// The most fixes one location report may carry.
    public static let maximumFixesPerReport = 100

    /// Reports where the device is (`docs/agent-protocol.md`, "Location reports").
    ///
    /// The fixes are checked before anything is sent: 1 to ``maximumFixesPerReport`` of them, each
    /// with a latitude from −90 to 90, a longitude from −180 to 180 and an accuracy from 0 to
    /// 100,000 m. The server judges them against its fences and moves the place through its
    /// hysteresis: inside at once, outside only after the policy's dwell time of clear outside fixes.
    /// - Parameter fixes: The fixes, in any order; older than the latest one reported, they are ignored.
    /// - Returns: How many fixes counted, the device's and its person's place after the report, the
    ///   access decision that follows, and a fresh grant when access is allowed.
    /// - Throws: `ValidationError` for a fix out of range or a wrong number of fixes (nothing is
    ///   sent), ``AgentError/retired`` for a retired device, other ``AgentError``s and transport
    ///   errors otherwise.
    public func reportLocation(_ fixes: [LocationFix]) async throws -> LocationReportResponse {
        guard (1...Self.maximumFixesPerReport).contains(fixes.count) else {
            throw ValidationError(field: "fixes", message: "must hold 1 to \(Self.maximumFixesPerReport) fixes")
        }
        let checked = try fixes.enumerated().map { index, fix in try fix.validated(field: "fixes[\(index)]") }
        return try await exclusively {
            try await sendSigned("location", LocationReportRequest(fixes: checked), expecting: 200)
        }
    }
}
