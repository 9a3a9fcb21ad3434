import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Enrollment, check-in and approval through the real router, on every backend.
@Suite struct DeviceEnrollmentTests {
    @Test(arguments: StoreBackend.available)
    func corporateDeviceEnrollsChecksInAndShowsInTheInventory(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend, configure: { $0.publicURL = "https://mdm.hospital.test" }) { server in
            let nurse = server.cast.person(.clinician)
            let created = try await server.send(
                .post, "/api/v1/enrollment-invitations", as: .admin,
                body: #"{"personID":"\#(nurse.id)","ownership":"corporate","deviceClass":"tablet","facilityID":"\#(server.cast.facility.id)"}"#)
            #expect(created.status == .created)
            let code = try #require(try created.string("code"))
            #expect(code.count == 23)
            let url = try #require(try created.string("enrollmentURL"))
            #expect(url == "https://mdm.hospital.test/enroll?code=\(code)")

            var device = TestDevice()
            let enrolled = try await device.enroll(server, code: code.lowercased())
            #expect(enrolled.status == .created, "\(enrolled.text)")
            #expect(try enrolled.string("approval") == "approved")
            let deviceID = try #require(device.deviceID)

            try await device.openSession(server)
            let answer = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(answer.deviceID == deviceID)
            #expect(answer.approval == .approved)
            // No policy governs it yet: compliant with nothing to meet, and allowed.
            #expect(answer.compliance == .compliant)
            #expect(answer.access.state == .allowed)
            #expect(answer.grant != nil)
            #expect(answer.commands.isEmpty)
            #expect(answer.nextCheckInSeconds == 900)

            let shown = try await server.send(.get, "/api/v1/devices/\(deviceID)", as: .auditor)
            #expect(shown.status == .ok)
            let detail = try shown.json()
            let record = try #require(detail["device"] as? [String: Any])
            #expect(record["facilityID"] as? String == server.cast.facility.id.rawValue)
            #expect(record["hardwareID"] as? String == "SN-42")
            #expect(record["lastSeenAt"] is String)
            #expect((record["posture"] as? [String: Any])?["passcodeLengthClass"] as? String == "medium")
            let history = try #require(detail["recentHistory"] as? [[String: Any]])
            #expect(
                history.map { $0["action"] as? String } == ["device.access_change", "device.enroll"])

            let postures = try await server.send(.get, "/api/v1/devices/\(deviceID)/postures", as: .securityOfficer)
            #expect((try postures.json()["items"] as? [Any])?.count == 1)

            let invitations = try await server.send(.get, "/api/v1/enrollment-invitations?personID=\(nurse.id)", as: .admin)
            let states = (try invitations.json()["items"] as? [[String: Any]])?.map { $0["state"] as? String }
            #expect(states == ["used"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func personalDeviceWaitsForApprovalAndNeverGetsAccessMeanwhile(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            let deviceID = try #require(device.deviceID)
            let stored = try #require(try await server.store.device(id: deviceID))
            #expect(stored.hardwareID == nil, "a personal device's hardware ID is never kept")

            let pending = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(pending.approval == .pending)
            #expect(pending.access.state == .denied)

            let refusal = try await server.send(.post, "/api/v1/devices/\(deviceID)/deny", as: .admin, body: "{}")
            #expect(refusal.status == .badRequest)
            #expect(try refusal.string("field") == "reason")
            let forbidden = try await server.send(.post, "/api/v1/devices/\(deviceID)/approve", as: .auditor, body: "{}")
            #expect(forbidden.status == .forbidden)

            let approved = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/approve", as: .admin, body: #"{"reason":"MDM profile checked"}"#)
            #expect(approved.status == .ok)
            #expect(try approved.string("approval") == "approved")
            let again = try await server.send(.post, "/api/v1/devices/\(deviceID)/approve", as: .admin, body: "{}")
            #expect(again.status == .badRequest)

            let after = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(after.approval == .approved)
            #expect(after.access.state == .allowed)
            let postures = try await server.store.postureHistory(deviceID: deviceID, .first)
            #expect(postures.items.isEmpty, "a personal device keeps only its latest posture")

            let history = try await server.send(.get, "/api/v1/devices/\(deviceID)/history", as: .auditor)
            let actions = (try history.json()["items"] as? [[String: Any]])?.map { $0["action"] as? String }
            #expect(
                actions == ["device.access_change", "device.approve", "device.access_change", "device.enroll"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func usedRevokedExpiredAndUnknownCodesAreRefusedClearly(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let nurse = server.cast.person(.clinician)
            let code = try await TestDevice.invite(server, for: nurse)
            var first = TestDevice()
            #expect(try await first.enroll(server, code: code).status == .created)
            var second = TestDevice()
            let used = try await second.enroll(server, code: code)
            #expect(used.status == .forbidden)
            #expect(try used.string("type") == "urn:vigil:problem:enrollment-refused")
            #expect(try used.string("detail")?.contains("used already") == true)

            let revokedCode = try await TestDevice.invite(server, for: nurse)
            let list = try await server.send(.get, "/api/v1/enrollment-invitations?personID=\(nurse.id)", as: .admin)
            let active = try #require((try list.json()["items"] as? [[String: Any]])?.first { $0["state"] as? String == "active" })
            let revoke = try await server.send(
                .delete, "/api/v1/enrollment-invitations/\(try #require(active["id"] as? String))", as: .admin)
            #expect(revoke.status == .ok)
            #expect(try revoke.string("state") == "revoked")
            let revoked = try await TestDevice().enrolling(server, code: revokedCode)
            #expect(try revoked.string("detail")?.contains("revoked") == true)

            let (expired, expiredCode) = Fixtures.invitation(
                for: nurse, expiresAt: Fixtures.now.addingTimeInterval(-1), at: Fixtures.now.addingTimeInterval(-3600))
            try await server.store.createInvitation(expired, codeHash: expiredCode.hash, audit: Fixtures.audit())
            let late = try await TestDevice().enrolling(server, code: expiredCode.display)
            #expect(try late.string("detail")?.contains("expired") == true)

            let unknown = try await TestDevice().enrolling(server, code: EnrollmentCode.generate().display)
            #expect(try unknown.string("detail")?.contains("not valid") == true)
            let garbage = try await TestDevice().enrolling(server, code: "not a code at all!")
            #expect(garbage.status == .forbidden)

            let failures = try await server.store.auditEvents(
                AuditEventFilter(action: .deviceEnrolled), PageRequest(limit: 20)
            ).items.filter { $0.outcome == .failure }.map(\.reason)
            #expect(failures == ["unknown_code", "unknown_code", "expired", "revoked", "used"])
        }
    }

    @Test func theEnrollmentLinkOpensAPageThatNeverRepeatsTheCode() async throws {
        try await TestServer.run { server in
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician))
            let page = try await server.send(.get, "/enroll?code=\(code)")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("vigil agent enroll"))
            #expect(!page.text.contains(code))
        }
    }

    @Test func invitationsValidateTheirRules() async throws {
        try await TestServer.run { server in
            let nurse = server.cast.person(.clinician)
            let cases: [(String, String)] = [
                (#"{"personID":"\#(nurse.id)","ownership":"patient_owned","deviceClass":"phone"}"#, "ownership"),
                (#"{"personID":"\#(nurse.id)","ownership":"corporate","deviceClass":"medical_device"}"#, "medicalKind"),
                (#"{"personID":"\#(nurse.id)","ownership":"corporate","deviceClass":"phone","medicalKind":"cpap"}"#, "medicalKind"),
                (#"{"personID":"\#(nurse.id)","ownership":"corporate","deviceClass":"phone","expiresInHours":0}"#, "expiresInHours"),
                (#"{"personID":"\#(nurse.id)","ownership":"leased","deviceClass":"phone"}"#, "ownership"),
                (#"{"personID":"per_01JD3V6Q8R0000000000000000","ownership":"corporate","deviceClass":"phone"}"#, "personID"),
                (#"{"personID":"\#(nurse.id)","ownership":"corporate","deviceClass":"phone","facilityID":"fac_01JD3V6Q8R0000000000000000"}"#, "facilityID"),
            ]
            for (body, field) in cases {
                let response = try await server.send(.post, "/api/v1/enrollment-invitations", as: .admin, body: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(try response.string("field") == field, "\(body): \(response.text)")
            }
            let patientDevice = try await server.send(
                .post, "/api/v1/enrollment-invitations", as: .admin,
                body: #"{"personID":"\#(server.cast.person(.patient).id)","ownership":"patient_issued","deviceClass":"medical_device","medicalKind":"insulin_pump"}"#)
            #expect(patientDevice.status == .created)
            let byClinician = try await server.send(
                .post, "/api/v1/enrollment-invitations", as: .clinician,
                body: #"{"personID":"\#(nurse.id)","ownership":"byod","deviceClass":"phone"}"#)
            #expect(byClinician.status == .forbidden)
        }
    }
}

extension TestDevice {
    /// Tries to enroll with `code` and expects a refusal.
    func enrolling(_ server: TestServer, code: String) async throws -> TestResponse {
        var device = self
        let response = try await device.enroll(server, code: code)
        #expect(response.status == .forbidden, "\(response.text)")
        return response
    }
}

/// Bad input on the agent routes: a clear 4xx, and nothing written or changed.
@Suite struct AgentBadInputTests {
    @Test func malformedEnrollmentsAreRefusedAndUseNoCode() async throws {
        try await TestServer.run { server in
            let code = try await TestDevice.invite(server, for: server.cast.person(.clinician))
            let bodies: [(String, String, HTTPResponse.Status)] = [
                ("", "application/json", .badRequest),
                ("not json", "application/json", .badRequest),
                ("[1, 2]", "application/json", .badRequest),
                (#"{"code":"\#(code)"}"#, "application/json", .badRequest),
                (#"{"code":"\#(code)","publicKey":"AAAA","proof":"AAAA","facts":{"platform":"palm","model":"x","osVersion":"1"}}"#,
                 "application/json", .badRequest),
                ("code=\(code)", "application/x-www-form-urlencoded", .unsupportedMediaType),
                (String(repeating: " ", count: 9_000), "application/json", .contentTooLarge),
            ]
            for (body, type, status) in bodies {
                let response = try await server.send(.post, "/agent/v1/enroll", body: body, contentType: type)
                #expect(response.status == status, "\(body.prefix(60)): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let badKey = try await server.send(
                .post, "/agent/v1/enroll",
                body: #"{"code":"\#(code)","publicKey":"AAAA","proof":"AAAA","facts":{"platform":"ios","model":"x","osVersion":"1"}}"#)
            #expect(badKey.status == .badRequest)
            #expect(try badKey.string("field") == "publicKey")
            var device = TestDevice()
            #expect(try await device.enroll(server, code: code).status == .created, "the code is still unused")
        }
    }

    @Test func anInvalidPostureIsRefusedAndNotStored() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            var posture = TestDevice.posture
            posture.batteryPercent = 101
            let refused = try await device.checkIn(server, posture)
            #expect(refused.status == .badRequest)
            #expect(try refused.string("field") == "batteryPercent")
            let notJSON = try await device.signed(server, "/agent/v1/checkin", body: Data("{".utf8))
            #expect(notJSON.status == .badRequest)
            let stored = try await server.store.device(id: try #require(device.deviceID))
            #expect(stored?.posture == nil && stored?.lastSeenAt == nil)
            #expect(try await device.checkIn(server).status == .ok, "the session still works")
        }
    }
}
