import Foundation
import Hummingbird
import VigilCore
import VigilStore

extension AgentController {
    /// The posture a check-in reports, with every fact its device's ownership may never give
    /// dropped before anything else reads it (validation included), then validated: a dropped
    /// fact is never checked, stored or logged. The ownership comes from the device's session,
    /// so this costs no database read.
    /// - Throws: ``Problem`` 400 for a body that is not a valid posture; ``AgentProblem`` 401
    ///   when the device's sessions ended since the request was authenticated.
    ///
    /// The location the posture carries is returned apart, as a fix, before the matrix drops it:
    /// it feeds the place, which is derived for every device (and stored only where the matrix
    /// keeps coordinates).
    func collectablePosture(from data: Data, of deviceID: DeviceID) async throws -> (posture: Posture, fix: LocationFix?) {
        guard let ownership = sessions.ownership(of: deviceID) else {
            throw AgentProblem.unauthenticated("The session ended meanwhile; open a new one.")
        }
        let reported = try JSONBody.decode(Posture.self, from: data, knownFields: nil)
        let collection = try await compliance.policies.byodSettings().collection
        let fix = try reported.location.map { location in
            let valid = try location.validated()
            return LocationFix(
                latitude: valid.latitude, longitude: valid.longitude, accuracyMeters: valid.horizontalAccuracyMeters,
                recordedAt: valid.recordedAt, source: .other)
        }
        return (try collection.collectable(reported, for: ownership).validated(), fix)
    }

    /// `GET /agent/v1/privacy`: the privacy notice of the device, for its agent to show its
    /// person: what is collected, who sees it, what the hospital can and cannot do to the device.
    /// JSON, or the HTML page (for an agent to show in a web view) when `Accept` prefers `text/html`.
    @Sendable func privacyNotice(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let (deviceID, _) = try await authenticate(request, context)
        let now = Date().roundedToMilliseconds
        let subject = try await activeSubject(deviceID, at: now)
        let notice = try await compliance.privacyNotice(of: subject, at: now)
        guard PrivacyController.prefersHTML(request.headers[.accept]) else { return try PrivacyController.json(notice) }
        return PrivacyPage.response(notice)
    }
}
