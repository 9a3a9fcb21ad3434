import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// `POST /agent/v1/location`: a batch of location fixes. The answer carries the place and the
    /// access state after the report.
    @Sendable func reportLocation(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, data) = try await authenticate(request, context)
        let body = try JSONBody.decode(LocationReportRequest.self, from: data, knownFields: nil)
        guard (1...PlaceServices.maximumFixesPerReport).contains(body.fixes.count) else {
            throw Problem.invalidField("fixes", "must hold 1 to \(PlaceServices.maximumFixesPerReport) fixes")
        }
        let fixes = try body.fixes.enumerated().map { index, fix in try fix.validated(field: "fixes[\(index)]") }
        let now = Date().roundedToMilliseconds
        guard let outcome = try await compliance.places.report(fixes, from: deviceID, at: now) else {
            sessions.endSessions(of: deviceID)
            throw AgentProblem.retired
        }
        return try APIJSON.response(
            LocationReportResponse(
                accepted: outcome.accepted, ignored: outcome.ignored,
                place: PlaceStatus(person: outcome.personPlace, device: outcome.place), access: AccessStatus(outcome.state.decision),
                grant: try await compliance.grants.grant(for: outcome.subject, state: outcome.state, at: now), serverTime: now))
    }
}
