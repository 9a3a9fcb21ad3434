import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// Geofencing and shift-aware access over HTTP: a clinician's phone walks out of the facility and
/// back, and every device of theirs loses PHI access and regains it; shifts and home visits.
@Suite struct GeofenceFlowTests {
    /// A square campus, about 550 m across, around 41.88 N, 87.63 W.
    static let campus = #"""
        {"type": "Feature", "properties": {"name": "Main campus"},
         "geometry": {"type": "Polygon", "coordinates": [[[-87.633, 41.878], [-87.627, 41.878], [-87.627, 41.883],
                                                          [-87.633, 41.883], [-87.633, 41.878]]]}}
        """#
    static let inside = (latitude: 41.8805, longitude: -87.630)
    static let outside = (latitude: 41.8900, longitude: -87.630)  // about 1 km north

    static func policy(_ conditions: String) -> String {
        #"{"policies": [{"name": "on-site", "requirements": {}, "conditions": \#(conditions)}]}"#
    }

    /// Creates a facility with the campus fence; returns the facility's ID.
    static func facilityWithCampus(_ server: TestServer) async throws -> String {
        let facility = try await server.send(
            .post, "/api/v1/facilities", as: .admin, body: #"{"name": "General", "address": "1 Main St", "timeZone": "America/Chicago"}"#)
        let id = try #require(try facility.string("id"))
        let fence = try await server.send(.post, "/api/v1/facilities/\(id)/fences", as: .admin, body: campus)
        #expect(fence.status == .created, "\(fence.text)")
        #expect(fence.headers[.contentType] == "application/geo+json")
        return id
    }

    static func fix(_ place: (latitude: Double, longitude: Double), secondsAgo: Double, accuracy: Double = 10) -> LocationFix {
        LocationFix(
            latitude: place.latitude, longitude: place.longitude, accuracyMeters: accuracy,
            recordedAt: Date().addingTimeInterval(-secondsAgo).roundedToMilliseconds, source: .gps)
    }

    static func report(_ server: TestServer, _ device: inout TestDevice, _ fixes: [LocationFix]) async throws -> LocationReportResponse {
        let response = try await device.signed(
            server, "/agent/v1/location", body: try VigilJSON.makeEncoder().encode(LocationReportRequest(fixes: fixes)))
        #expect(response.status == .ok, "\(response.text)")
        return try VigilJSON.makeDecoder().decode(LocationReportResponse.self, from: Data(buffer: response.body))
    }

    @Test(arguments: StoreBackend.available)
    func aClinicianWalksOutAndBackAndEveryDeviceFollows(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let facility = try await Self.facilityWithCampus(server)
            let applied = try await server.send(
                .put, "/api/v1/policies", as: .admin,
                body: Self.policy(#"{"requireInsideFacility": true, "outsideAfterFixes": 3}"#))
            #expect(applied.status == .ok, "\(applied.text)")
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            var tablet = try await TestDevice.enrolled(server, for: clinician)

            // No fix yet: the place is stale, and the policy blocks PHI then.
            _ = try server.decodeCheckIn(try await phone.checkIn(server))
            let before = try server.decodeCheckIn(try await tablet.checkIn(server))
            #expect(before.access.reasons == ["No device of the person has reported its place recently."])

            let entered = try await Self.report(server, &phone, [Self.fix(Self.inside, secondsAgo: 120)])
            #expect(entered.place.person == .inside)
            #expect(entered.place.facilityID?.rawValue == facility)
            #expect(entered.access.state == .allowed && entered.grant != nil)
            // The tablet in the bag reports nothing and follows its person.
            #expect(try server.decodeCheckIn(try await tablet.checkIn(server)).access.state == .allowed)

            // Walking out: two outside fixes, fewer than the policy's three and within the 60-second
            // dwell time, change nothing…
            let leaving = try await Self.report(
                server, &phone, [Self.fix(Self.outside, secondsAgo: 40), Self.fix(Self.outside, secondsAgo: 30)])
            #expect(leaving.accepted == 2)
            #expect(leaving.place.person == .inside && leaving.access.state == .allowed)
            // …an inaccurate fix never blocks anyone…
            let vague = try await Self.report(server, &phone, [Self.fix(Self.outside, secondsAgo: 25, accuracy: 5_000)])
            #expect(vague.access.state == .allowed)
            // …and the third outside fix blocks PHI in its own reply.
            let left = try await Self.report(server, &phone, [Self.fix(Self.outside, secondsAgo: 20)])
            #expect(left.place.person == .outside)
            #expect(left.access.state == .denied && left.grant == nil)
            #expect(left.access.reasons == ["The device's person is outside the facility."])
            #expect(try server.decodeCheckIn(try await tablet.checkIn(server)).access.state == .denied)

            // A fix older than the latest is ignored.
            let late = try await Self.report(server, &phone, [Self.fix(Self.inside, secondsAgo: 200)])
            #expect(late.ignored == 1 && late.access.state == .denied)

            // Back in: one inside fix restores both devices.
            let back = try await Self.report(server, &phone, [Self.fix(Self.inside, secondsAgo: 5)])
            #expect(back.place.person == .inside && back.access.state == .allowed)
            #expect(try server.decodeCheckIn(try await tablet.checkIn(server)).access.state == .allowed)

            // The place and its transitions are on the API; the corporate phone's fixes are kept.
            let phoneID = try #require(phone.deviceID)
            let place = try await server.send(.get, "/api/v1/devices/\(phoneID)/place", as: .admin).json()
            let transitions = try #require((place["transitions"] as? [String: Any])?["items"] as? [[String: Any]])
            #expect(transitions.map { $0["to"] as? String } == ["inside", "outside", "inside"])
            #expect(transitions.map { $0["from"] as? String } == ["outside", "inside", nil])
            let fixes = try await server.send(.get, "/api/v1/devices/\(phoneID)/location-fixes", as: .securityOfficer).json()
            #expect((fixes["items"] as? [Any])?.count == 6)
            #expect(try await server.send(.get, "/api/v1/devices/\(phoneID)/location-fixes", as: .auditor).status == .forbidden)

            // A device that stops reporting goes stale; the access-change audit trail names each step.
            let events = try await server.send(.get, "/api/v1/audit-events?action=device.access_change", as: .auditor).json()
            let reasons = try #require(events["items"] as? [[String: Any]]).compactMap { $0["reason"] as? String }
            #expect(reasons.contains { $0.hasPrefix("denied: outside_facility") })
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPolicyMayRequireBeingOnShift(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let facility = try await Self.facilityWithCampus(server)
            _ = try await server.send(.put, "/api/v1/policies", as: .admin, body: Self.policy(#"{"requireOnShift": true}"#))
            let clinician = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: clinician)
            let off = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(off.access.reasons == ["The person is not on shift."])

            let start = RFC3339.format(Date().addingTimeInterval(-3_600))
            let end = RFC3339.format(Date().addingTimeInterval(3_600))
            let created = try await server.send(
                .post, "/api/v1/shifts", as: .nurseManager,
                body: #"{"personID": "\#(clinician.id)", "facilityID": "\#(facility)", "unit": "4 West", "startsAt": "\#(start)", "endsAt": "\#(end)"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)
            let listed = try await server.send(.get, "/api/v1/shifts?personID=\(clinician.id)", as: .admin).json()
            #expect((listed["items"] as? [Any])?.count == 1)
            #expect(try await server.send(.get, "/api/v1/shifts", as: .clinician).status == .forbidden)

            let backwards = try await server.send(
                .post, "/api/v1/shifts", as: .admin,
                body: #"{"personID": "\#(clinician.id)", "facilityID": "\#(facility)", "startsAt": "\#(end)", "endsAt": "\#(start)"}"#)
            #expect(backwards.status == .badRequest)
            #expect(try backwards.string("field") == "endsAt")

            let id = try #require(try created.string("id"))
            #expect(try await server.send(.delete, "/api/v1/shifts/\(id)", as: .admin).status == .noContent)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .denied)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aHomeVisitAllowsItsPatientOnlyAtItsPlace(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            _ = try await Self.facilityWithCampus(server)
            _ = try await server.send(.put, "/api/v1/policies", as: .admin, body: Self.policy(#"{"requireInsideFacility": true}"#))
            let nurse = server.cast.person(.clinician)
            var phone = try await TestDevice.enrolled(server, for: nurse)
            _ = try server.decodeCheckIn(try await phone.checkIn(server))
            let home = (latitude: 41.95, longitude: -87.70)
            let start = RFC3339.format(Date().addingTimeInterval(-600))
            let end = RFC3339.format(Date().addingTimeInterval(3_000))
            let visit = try await server.send(
                .post, "/api/v1/visits", as: .nurseManager,
                body: #"""
                    {"personID": "\#(nurse.id)", "patient": "Patient/123", "startsAt": "\#(start)", "endsAt": "\#(end)",
                     "place": {"type": "Feature", "properties": {"radius": 60},
                               "geometry": {"type": "Point", "coordinates": [\#(home.longitude), \#(home.latitude)]}}}
                    """#)
            #expect(visit.status == .created, "\(visit.text)")
            // The audit trail names the nurse and the times, never the patient.
            let events = try await server.send(.get, "/api/v1/audit-events?action=visit.create", as: .auditor).text
            #expect(!events.contains("Patient/123"))

            let there = try await Self.report(server, &phone, [Self.fix(home, secondsAgo: 5)])
            #expect(there.place.person == .visit)
            #expect(there.access.state == .allowed)
            #expect(there.access.notes == ["At a home visit: access is limited to the visited patient."])
            let grant = try #require(there.grant?.token)
            let payload = try #require(Base64URL.decode(String(grant.split(separator: ".")[1])))
            let claims = try JSONDecoder().decode(AccessGrantClaims.self, from: Data(payload))
            #expect(claims.patient == "Patient/123")

            let same = try await server.send(
                .post, "/api/v1/access/verify", as: .clinician, body: #"{"grant": "\#(grant)", "patient": "Patient/123"}"#)
            #expect(try same.json()["active"] as? Bool == true, "\(same.text)")
            let other = try await server.send(
                .post, "/api/v1/access/verify", as: .clinician, body: #"{"grant": "\#(grant)", "patient": "Patient/999"}"#)
            #expect((try other.json()["reason"] as? [String: Any])?["code"] as? String == "patient_out_of_scope")

            // Cancelling the visit takes the place away: the nurse is outside.
            let id = try #require(try visit.string("id"))
            #expect(try await server.send(.post, "/api/v1/visits/\(id)/cancel", as: .admin).status == .ok)
            let after = try await Self.report(server, &phone, [Self.fix(home, secondsAgo: 4)])
            #expect(after.place.device == .visit || after.place.device == .outside || after.place.device == .unknown)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aFenceIsReplacedOnlyFromTheVersionReadAndRemoved(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let facility = try await Self.facilityWithCampus(server)
            let listed = try await server.send(.get, "/api/v1/facilities/\(facility)/fences", as: .clinician).json()
            let feature = try #require((listed["features"] as? [[String: Any]])?.first)
            let id = try #require(feature["id"] as? String)
            let renamed = Self.campus.replacingOccurrences(of: "Main campus", with: "Whole campus")
            let replaced = try await server.send(.put, "/api/v1/fences/\(id)?version=1", as: .admin, body: renamed)
            #expect(replaced.status == .ok, "\(replaced.text)")
            #expect(((try replaced.json()["properties"]) as? [String: Any])?["version"] as? Double == 2)
            // A change made from the version read before is refused, and changes nothing.
            let stale = try await server.send(.put, "/api/v1/fences/\(id)?version=1", as: .admin, body: Self.campus)
            #expect(stale.status == .conflict)
            let shown = try await server.send(.get, "/api/v1/fences/\(id)", as: .auditor).json()
            #expect((shown["properties"] as? [String: Any])?["name"] as? String == "Whole campus")
            #expect(try await server.send(.put, "/api/v1/fences/\(id)", as: .admin, body: Self.campus).status == .badRequest)

            #expect(try await server.send(.delete, "/api/v1/fences/\(id)", as: .admin).status == .noContent)
            #expect(try await server.send(.get, "/api/v1/fences/\(id)", as: .admin).status == .notFound)
            #expect(try await server.send(.delete, "/api/v1/fences/\(id)", as: .admin).status == .notFound)
        }
    }

    @Test func aPersonalDevicesFixesAreNeverKeptSoThereAreNoneToRead() async throws {
        try await TestServer.run { server in
            _ = try await Self.facilityWithCampus(server)
            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            _ = try await Self.report(server, &phone, [Self.fix(Self.inside, secondsAgo: 5)])
            let id = try #require(phone.deviceID)
            let fixes = try await server.send(.get, "/api/v1/devices/\(id)/location-fixes", as: .securityOfficer)
            #expect(fixes.status == .notFound)
            // Its place is kept: whether it is inside or outside, never where.
            let place = try await server.send(.get, "/api/v1/devices/\(id)/place", as: .admin).json()
            #expect((place["place"] as? [String: Any])?["device"] as? String == "inside")
        }
    }

    @Test(arguments: StoreBackend.available)
    func badFencesAndFixesAreRefusedNamingTheField(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let facility = try await Self.facilityWithCampus(server)
            let open = #"{"type": "Feature", "properties": {"name": "Open"}, "geometry": {"type": "Polygon", "coordinates": [[[-87.6, 41.8], [-87.5, 41.8], [-87.5, 41.9]]]}}"#
            let refused = try await server.send(.post, "/api/v1/facilities/\(facility)/fences", as: .admin, body: open)
            #expect(refused.status == .badRequest)
            #expect(try refused.string("field")?.hasPrefix("geometry.coordinates") == true, "\(refused.text)")
            let unnamed = Self.campus.replacingOccurrences(of: #""name": "Main campus""#, with: #""floor": 2"#)
            let noName = try await server.send(.post, "/api/v1/facilities/\(facility)/fences", as: .admin, body: unnamed)
            #expect(try noName.string("field") == "properties.name")
            #expect(try await server.send(.post, "/api/v1/facilities/\(facility)/fences", as: .clinician, body: Self.campus).status == .forbidden)

            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let bad = LocationReportRequest(fixes: [LocationFix(latitude: 95, longitude: 0, accuracyMeters: 5, recordedAt: Date(), source: .gps)])
            let response = try await phone.signed(server, "/agent/v1/location", body: try VigilJSON.makeEncoder().encode(bad))
            #expect(response.status == .badRequest)
            #expect(try response.string("field") == "fixes[0].latitude")
            let empty = try await phone.signed(server, "/agent/v1/location", body: Data(#"{"fixes": []}"#.utf8))
            #expect(empty.status == .badRequest)
        }
    }
}
