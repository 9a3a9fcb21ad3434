import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The inventory leaves out the fields the collection matrix hides (`collect_hidden`) for every
/// caller but security officers and the device's own person, and says which it left out.
@Suite struct DeviceInventoryHiddenFieldsTests {
    static let facts = DeviceFacts(
        platform: .android, model: "Home monitor", osVersion: "14", hardwareID: "SN-HOME-1", phoneNumber: "+1 555 010 0142",
        hardwareIdentifiers: ["IMEI-355000000000001"])

    static var posture: Posture {
        var posture = TestDevice.posture
        posture.location = PostureLocation(latitude: 40.7, longitude: -74, horizontalAccuracyMeters: 20, recordedAt: Date())
        posture.personalApps = ["com.example.radio"]
        return posture
    }

    /// A device that checked in: patient-issued by default, whose location and phone number are hidden by default.
    static func monitor(_ server: TestServer, for person: Person, ownership: Ownership = .patientIssued) async throws
        -> DeviceID
    {
        var device = try await TestDevice.enrolled(server, for: person, ownership: ownership, facts: facts)
        _ = try server.decodeCheckIn(try await device.checkIn(server, posture))
        return try #require(device.deviceID)
    }

    static func device(_ server: TestServer, _ id: DeviceID, as role: Role) async throws -> [String: Any] {
        let response = try await server.send(.get, "/api/v1/devices/\(id)", as: role)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["device"] as? [String: Any])
    }

    @Test(arguments: StoreBackend.available)
    func hiddenFieldsAreLeftOutAndNamed(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let id = try await Self.monitor(server, for: server.cast.person(.patient))
            for role in [Role.admin, .auditor] {
                let record = try await Self.device(server, id, as: role)
                #expect(record["hiddenFields"] as? [String] == ["preciseLocation", "phoneNumber"], "\(role)")
                #expect(record["phoneNumber"] == nil)
                let posture = try #require(record["posture"] as? [String: Any])
                #expect(posture["location"] == nil && posture["personalApps"] as? [String] == ["com.example.radio"])
                #expect(record["hardwareID"] as? String == "SN-HOME-1")
                #expect(record["hardwareIdentifiers"] as? [String] == ["IMEI-355000000000001"])
            }
            let officer = try await Self.device(server, id, as: .securityOfficer)
            #expect(officer["hiddenFields"] as? [String] == [])
            #expect(officer["phoneNumber"] as? String == "+1 555 010 0142")
            #expect((officer["posture"] as? [String: Any])?["location"] is [String: Any])

            let list = try await server.send(.get, "/api/v1/devices", as: .admin).json()
            let listed = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(listed["hiddenFields"] as? [String] == ["preciseLocation", "phoneNumber"] && listed["phoneNumber"] == nil)

            let history = try await server.send(.get, "/api/v1/devices/\(id)/postures", as: .admin).json()
            let entry = try #require((history["items"] as? [[String: Any]])?.first)
            #expect(entry["hiddenFields"] as? [String] == ["preciseLocation"])
            #expect((entry["posture"] as? [String: Any])?["location"] == nil)
            let officersHistory = try await server.send(.get, "/api/v1/devices/\(id)/postures", as: .securityOfficer).json()
            let officersEntry = try #require((officersHistory["items"] as? [[String: Any]])?.first)
            #expect((officersEntry["posture"] as? [String: Any])?["location"] is [String: Any])

            func csvRow(_ role: Role) async throws -> [String: String] {
                let lines = try await server.send(.get, "/api/v1/devices.csv", as: role).text.split(separator: "\r\n")
                let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return Dictionary(uniqueKeysWithValues: zip(header, cells))
            }
            let adminRow = try await csvRow(.admin)
            #expect(adminRow["phoneNumber"] == "" && adminRow["hiddenFields"] == "preciseLocation phoneNumber")
            #expect(adminRow["hardwareIdentifiers"] == "IMEI-355000000000001")
            let officerRow = try await csvRow(.securityOfficer)
            #expect(officerRow["phoneNumber"] == "'+1 555 010 0142", "shown, and defused as a formula")
            #expect(officerRow["hiddenFields"] == "")
        }
    }

    @Test func theDevicesOwnPersonSeesWhatIsHiddenFromOthers() async throws {
        try await TestServer.run { server in
            // A hospital that hides its corporate phones' numbers.
            func matrix(_ level: String) async throws {
                let changed = try await server.send(
                    .put, "/api/v1/byod/settings", as: .admin,
                    body: #"{"collection": {"corporate": {"phoneNumber": "\#(level)"}}}"#)
                #expect(changed.status == .ok, "\(changed.text)")
            }
            try await matrix("collect_hidden")
            // An administrator's own phone: they see its hidden number, another administrator does not.
            let id = try await Self.monitor(server, for: server.cast.person(.admin), ownership: .corporate)
            let own = try await Self.device(server, id, as: .admin)
            #expect(own["hiddenFields"] as? [String] == [] && own["phoneNumber"] as? String == "+1 555 010 0142")
            let other = Fixtures.person(.admin)
            let secret = try await Fixtures.enroll(other, in: server.store).secret
            let theirs = try #require(try await server.send(.get, "/api/v1/devices/\(id)", secret: secret).json()["device"] as? [String: Any])
            #expect(theirs["hiddenFields"] as? [String] == ["phoneNumber"] && theirs["phoneNumber"] == nil)

            // Collected openly again, it is shown to everyone who reads devices, at once.
            try await matrix("collect")
            let now = try #require(try await server.send(.get, "/api/v1/devices/\(id)", secret: secret).json()["device"] as? [String: Any])
            #expect(now["hiddenFields"] as? [String] == [] && now["phoneNumber"] as? String == "+1 555 010 0142")
        }
    }
}
