import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// The place sweep moves access on without a report: a run of outside fixes whose dwell time
/// completes while the phone is silent, a place that goes stale, a shift that ends.
@Suite struct GeofenceSweepTests {
    /// The newest `device.access_change` reason of a device, waiting up to ten seconds for one
    /// that `matches`.
    static func accessChange(
        _ server: TestServer, _ device: DeviceID, matching matches: (String) -> Bool
    ) async throws -> String? {
        for _ in 0..<100 {
            let history = try await server.send(.get, "/api/v1/devices/\(device)/history", as: .auditor).json()
            let reasons = (history["items"] as? [[String: Any]] ?? [])
                .filter { $0["action"] as? String == "device.access_change" }.compactMap { $0["reason"] as? String }
            if let reason = reasons.first, matches(reason) { return reason }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func aDwellTimeThatCompletesWithoutAFixBlocksEveryDeviceOfThePerson() async throws {
        try await TestServer.run(setup: .live, configure: { $0.placeSweepSeconds = 1 }) { server in
            _ = try await GeofenceFlowTests.facilityWithCampus(server)
            _ = try await server.send(
                .put, "/api/v1/policies", as: .admin, body: GeofenceFlowTests.policy(#"{"requireInsideFacility": true}"#))
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            var tablet = try await TestDevice.enrolled(server, for: clinician)
            _ = try await phone.checkIn(server)
            _ = try await GeofenceFlowTests.report(server, &phone, [GeofenceFlowTests.fix(GeofenceFlowTests.inside, secondsAgo: 120)])
            #expect(try server.decodeCheckIn(try await tablet.checkIn(server)).access.state == .allowed)

            // The phone walks out and falls silent 59 seconds into the 60-second dwell time.
            let last = try await GeofenceFlowTests.report(
                server, &phone, [GeofenceFlowTests.fix(GeofenceFlowTests.outside, secondsAgo: 59)])
            #expect(last.access.state == .allowed)
            let tabletID = try #require(tablet.deviceID)
            let denied = try await Self.accessChange(server, tabletID) { $0.hasPrefix("denied") }
            #expect(denied == "denied: outside_facility", "the sweep never blocked the tablet")
            let place = try await server.send(.get, "/api/v1/devices/\(try #require(phone.deviceID))/place", as: .admin).json()
            #expect((place["place"] as? [String: Any])?["person"] as? String == "outside")
        }
    }

    @Test func aShiftThatEndsBlocksPHIAtItsEnd() async throws {
        try await TestServer.run(setup: .live, configure: { $0.placeSweepSeconds = 1 }) { server in
            let facility = try await GeofenceFlowTests.facilityWithCampus(server)
            _ = try await server.send(
                .put, "/api/v1/policies", as: .admin, body: GeofenceFlowTests.policy(#"{"requireOnShift": true}"#))
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            let start = RFC3339.format(Date().addingTimeInterval(-3_600))
            let end = RFC3339.format(Date().addingTimeInterval(2))
            let shift = try await server.send(
                .post, "/api/v1/shifts", as: .admin,
                body: #"{"personID": "\#(clinician.id)", "facilityID": "\#(facility)", "startsAt": "\#(start)", "endsAt": "\#(end)", "graceAfterMinutes": 0}"#)
            #expect(shift.status == .created, "\(shift.text)")
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)
            let denied = try await Self.accessChange(server, try #require(phone.deviceID)) { $0.hasPrefix("denied") }
            #expect(denied == "denied: off_shift", "the sweep never ended the shift")
        }
    }
}
