import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilCore
@testable import VigilServer
import VigilStore
import VigilTestSupport

/// The risk issue over HTTP: devices of different kinds and postures get their scores with
/// reasons, the organization's report counts them per band, ranks the top risks and shows the
/// trend of recorded snapshots.
@Suite struct RiskFlowTests {
    static let day: TimeInterval = 86_400

    /// A well-kept posture patched ten days ago, with the hospital's EHR app.
    static var goodPosture: Posture {
        var posture = TestDevice.posture
        posture.securityPatchDate = RiskSnapshot.day(of: Date().addingTimeInterval(-10 * day))
        return posture
    }

    static var rootedPosture: Posture {
        var posture = goodPosture
        posture.jailbroken = true
        posture.storageEncrypted = false
        return posture
    }

    /// The devices of the story, enrolled and checked in.
    struct Fleet {
        /// A corporate PC of an employee, well kept: only its PHI app counts.
        let pc: DeviceID
        /// An affiliated clinician's personal phone, rooted and unencrypted.
        let byod: DeviceID
        /// A patient's home medical device that never checked in.
        let monitor: DeviceID
        /// A corporate phone retired as stolen.
        let stolen: DeviceID
    }

    static func enroll(
        _ server: TestServer, for person: Person, ownership: Ownership, deviceClass: DeviceClass, posture: Posture?
    ) async throws -> DeviceID {
        var device = TestDevice()
        let code = try await TestDevice.invite(server, for: person, ownership: ownership, deviceClass: deviceClass)
        let enrolled = try await device.enroll(server, code: code)
        #expect(enrolled.status == .created, "\(enrolled.text)")
        if let posture {
            try await device.openSession(server)
            #expect(try await device.checkIn(server, posture).status == .ok)
        }
        return try #require(device.deviceID)
    }

    static func makeFleet(_ server: TestServer) async throws -> Fleet {
        let catalogued = try await server.send(
            .put, "/api/v1/apps/org.hospital.ehr", as: .admin, body: #"{"name":"EHR","handlesPHI":true}"#)
        #expect(catalogued.status == .ok || catalogued.status == .created, "\(catalogued.text)")
        let created = try await server.send(
            .post, "/api/v1/people", as: .admin,
            body: #"""
                {"name": "Dr. Visiting", "email": "visiting@test.example", "affiliation": "affiliated_clinician",
                 "roles": ["clinician"]}
                """#)
        #expect(created.status == .created, "\(created.text)")
        let visitingID = PersonID(rawValue: try #require(try created.string("id")))
        let visiting = try #require(try await server.store.person(id: visitingID))

        let clinician = server.cast.person(.clinician)
        let pc = try await enroll(server, for: clinician, ownership: .corporate, deviceClass: .pc, posture: goodPosture)
        let byod = try await enroll(server, for: visiting, ownership: .byod, deviceClass: .phone, posture: rootedPosture)
        let monitor = try await enroll(
            server, for: server.cast.person(.patient), ownership: .patientIssued, deviceClass: .medicalDevice, posture: nil)
        let stolen = try await enroll(
            server, for: clinician, ownership: .corporate, deviceClass: .phone, posture: goodPosture)
        let retired = try await server.send(
            .post, "/api/v1/devices/\(stolen)/retire", as: .admin,
            body: #"{"disposition":"stolen","custodian":"Security desk"}"#)
        #expect(retired.status == .ok, "\(retired.text)")
        return Fleet(pc: pc, byod: byod, monitor: monitor, stolen: stolen)
    }

    static func risk(_ server: TestServer, _ id: DeviceID, as role: Role = .auditor) async throws
        -> (score: Int?, band: String?, codes: [String], details: [String])
    {
        let response = try await server.send(.get, "/api/v1/devices/\(id)/risk", as: role)
        #expect(response.status == .ok, "\(response.text)")
        let body = try response.json()
        #expect(body["deviceID"] as? String == id.rawValue)
        let risk = try #require(body["risk"] as? [String: Any])
        let factors = risk["factors"] as? [[String: Any]] ?? []
        return (
            risk["score"] as? Int, risk["band"] as? String, factors.compactMap { $0["code"] as? String },
            factors.compactMap { $0["detail"] as? String }
        )
    }

    @Test(arguments: StoreBackend.available)
    func devicesAreScoredWithTheirReasons(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let fleet = try await Self.makeFleet(server)

            let pc = try await Self.risk(server, fleet.pc)
            #expect(pc.score == 10 && pc.band == "low")
            #expect(pc.codes == ["phi_apps"] && pc.details == ["1 managed app handling PHI installed"])

            // 30 + 15 posture, 10 personal, 10 PHI app, 5 phone, 5 affiliation.
            let byod = try await Self.risk(server, fleet.byod, as: .securityOfficer)
            #expect(byod.score == 75 && byod.band == "critical")
            #expect(
                byod.codes == [
                    "jailbroken", "storage_unencrypted", "personal_device", "phi_apps", "mobile_device",
                    "owner_affiliated_clinician",
                ])
            #expect(byod.details.contains("Storage is not encrypted"))

            // Never evaluated, a medical device that never checked in, a patient's.
            let monitor = try await Self.risk(server, fleet.monitor, as: .admin)
            #expect(monitor.score == 35 && monitor.band == "moderate")
            #expect(monitor.codes == ["not_evaluated", "medical_device", "never_checked_in", "owner_patient"])

            // A retired device is answered too, with its stolen history.
            let stolen = try await Self.risk(server, fleet.stolen)
            #expect(stolen.codes.first == "stolen" && stolen.details.first == "Reported stolen")
            #expect(stolen.score == 35 + 5 + 10)

            let unknown = try await server.send(.get, "/api/v1/devices/dev_01JD3V6Q8R0000000000000000/risk", as: .auditor)
            #expect(unknown.status == .notFound)
            let queried = try await server.send(.get, "/api/v1/devices/\(fleet.pc)/risk?verbose=true", as: .auditor)
            #expect(queried.status == .badRequest)
            #expect(try queried.string("field") == "verbose")
            #expect(try await server.send(.get, "/api/v1/devices/\(fleet.pc)/risk", as: .clinician).status == .forbidden)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theReportCountsBandsRanksTheTopAndShowsTheTrend(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let fleet = try await Self.makeFleet(server)
            var logger = Logger(label: "vigil.test.risk")
            logger.logLevel = .warning
            let snapshots = RiskSnapshots(
                assessor: RiskAssessor(store: server.store), interval: RiskSnapshots.defaultInterval, logger: logger)
            let now = Date()
            let yesterday = try await snapshots.record(at: now.addingTimeInterval(-Self.day))
            #expect(yesterday.devices == 3 && yesterday.bands == RiskBandCounts(low: 1, moderate: 1, critical: 1))
            let old = RiskSnapshot(
                day: RiskSnapshot.day(of: now.addingTimeInterval(-40 * Self.day)), devices: 7, meanScore: 12.5,
                bands: RiskBandCounts(low: 7))
            try await server.store.recordRiskSnapshot(old, at: now)

            let response = try await server.send(.get, "/api/v1/risk/report?top=2&days=2", as: .auditor)
            #expect(response.status == .ok, "\(response.text)")
            let report = try response.json()
            // The retired device is not in the fleet.
            #expect(report["devices"] as? Int == 3)
            #expect(report["meanScore"] as? Double == 40)  // (10 + 75 + 35) / 3
            let bands = try #require(report["bands"] as? [String: Int])
            #expect(bands == ["low": 1, "moderate": 1, "high": 0, "critical": 1])
            let top = try #require(report["top"] as? [[String: Any]])
            #expect(top.compactMap { $0["deviceID"] as? String } == [fleet.byod.rawValue, fleet.monitor.rawValue])
            let reasons = (top.first?["risk"] as? [String: Any])?["factors"] as? [[String: Any]]
            #expect(reasons?.first?["detail"] as? String == "The device is jailbroken or rooted")
            #expect(reasons?.first?["points"] as? Int == 30)

            let trend = try #require(report["trend"] as? [[String: Any]])
            #expect(trend.compactMap { $0["day"] as? String } == [yesterday.day, RiskSnapshot.day(of: Date())])
            #expect(trend.first?["devices"] as? Int == 3)
            #expect(trend.last?["bands"] as? [String: Int] == bands)

            let year = try await server.send(.get, "/api/v1/risk/report?days=366", as: .admin).json()
            let yearDays = (year["trend"] as? [[String: Any]] ?? []).compactMap { $0["day"] as? String }
            #expect(yearDays.first == old.day && yearDays.count == 3)
            #expect((year["top"] as? [Any])?.count == 3, "ten by default, and three devices")
        }
    }

    @Test func reportParametersAreBoundedAndAClinicianIsRefused() async throws {
        try await TestServer.run { server in
            for (query, field) in [
                ("top=0", "top"), ("top=101", "top"), ("top=ten", "top"), ("days=0", "days"), ("days=367", "days"),
                ("days=-3", "days"), ("limit=5", "limit"),
            ] {
                let refused = try await server.send(.get, "/api/v1/risk/report?\(query)", as: .admin)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(try refused.string("field") == field, "\(query)")
            }
            let edges = try await server.send(.get, "/api/v1/risk/report?top=100&days=366", as: .admin)
            #expect(edges.status == .ok)
            let empty = try edges.json()
            #expect(empty["devices"] as? Int == 0 && empty["meanScore"] as? Double == 0)
            #expect((empty["trend"] as? [[String: Any]])?.last?["day"] as? String == RiskSnapshot.day(of: Date()))
            #expect(try await server.send(.get, "/api/v1/risk/report", as: .clinician).status == .forbidden)
            #expect(try await server.send(.get, "/api/v1/risk/report", as: .nurseManager).status == .forbidden)
            #expect(try await server.send(.get, "/api/v1/risk/report").status == .unauthorized)
        }
    }
}
