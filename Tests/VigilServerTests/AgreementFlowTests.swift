import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// The BYOD agreements over HTTP: a document is published, a clinician's own phone waits for
/// their acceptance, they accept on the device, access follows; a new version asks again.
@Suite struct AgreementFlowTests {
    static let acceptableUse = #"""
        {"name": "acceptable-use", "kind": "acceptable_use", "title": "Acceptable use of personal devices",
         "text": "# Acceptable use\n\nKeep PHI inside Vigil's managed apps.", "audience": {"roles": ["clinician"]}}
        """#

    static func publish(_ server: TestServer, _ body: String) async throws -> [String: Any] {
        let response = try await server.send(.post, "/api/v1/agreements", as: .admin, body: body)
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.json()["agreement"] as? [String: Any])
    }

    static func agreements(_ server: TestServer, _ device: inout TestDevice) async throws -> [AgreementToAccept] {
        let response = try await device.signed(server, "/agent/v1/agreements", method: .get, body: Data())
        #expect(response.status == .ok, "\(response.text)")
        return try VigilJSON.makeDecoder().decode(AgreementsResponse.self, from: Data(buffer: response.body)).agreements
    }

    static func accept(_ server: TestServer, _ device: inout TestDevice, _ id: AgreementID, sha256: String) async throws
        -> TestResponse
    {
        try await device.signed(
            server, "/agent/v1/agreements/accept",
            body: try VigilJSON.makeEncoder().encode(AgreementAcceptanceRequest(agreementID: id, sha256: sha256)))
    }

    @Test(arguments: StoreBackend.available)
    func aPersonalPhoneWaitsForAcceptanceAndANewVersionAsksAgain(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let clinician = server.cast.person(.clinician)
            let published = try await Self.publish(server, Self.acceptableUse)
            #expect(published["version"] as? Int == 1)
            let id = AgreementID(rawValue: try #require(published["id"] as? String))

            var phone = try await TestDevice.enrolled(server, for: clinician, ownership: .byod)
            let phoneID = try #require(phone.deviceID)
            _ = try await server.send(.post, "/api/v1/devices/\(phoneID)/approve", as: .admin, body: "{}")
            let waiting = try server.decodeCheckIn(try await phone.checkIn(server))
            #expect(waiting.access.state == .denied)
            #expect(waiting.access.reasons == ["The person has not accepted the current BYOD agreements."])
            #expect(waiting.grant == nil)

            // A hospital phone of the same person needs no agreement.
            var corporate = try await TestDevice.enrolled(server, for: clinician)
            #expect(try server.decodeCheckIn(try await corporate.checkIn(server)).access.state == .allowed)

            let pending = try await server.send(.get, "/api/v1/agreements/\(id)/pending", as: .securityOfficer).json()
            let people = try #require(pending["items"] as? [[String: Any]])
            #expect(people.map { $0["personID"] as? String } == [clinician.id.rawValue])

            let listed = try await Self.agreements(server, &phone)
            #expect(listed.map(\.status) == [.missing])
            let document = try #require(listed.first)
            #expect(document.sha256 == Agreement.hash(of: document.text))

            let wrong = try await Self.accept(server, &phone, id, sha256: String(repeating: "0", count: 64))
            #expect(wrong.status == .badRequest)
            #expect(try wrong.json()["field"] as? String == "sha256")

            let accepted = try await Self.accept(server, &phone, id, sha256: document.sha256)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let answer = try VigilJSON.makeDecoder().decode(AgreementAcceptanceResponse.self, from: Data(buffer: accepted.body))
            #expect(answer.access.state == .allowed && answer.grant != nil)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)
            let none = try await server.send(.get, "/api/v1/agreements/\(id)/pending", as: .admin).json()
            #expect((none["items"] as? [Any])?.isEmpty == true)

            // Accepting twice records nothing new.
            let again = try await Self.accept(server, &phone, id, sha256: document.sha256)
            let twice = try VigilJSON.makeDecoder().decode(AgreementAcceptanceResponse.self, from: Data(buffer: again.body))
            #expect(twice.acceptanceID == answer.acceptanceID)
            let events = try await server.store.auditEvents(AuditEventFilter(action: .agreementAccepted), .first).items
            #expect(events.count == 1)
            #expect(events.first?.reason?.contains("acceptable-use version 1 sha256 \(document.sha256)") == true)
            #expect(events.first?.reason?.contains("on \(phoneID)") == true)
            #expect(events.first?.actor == .device(phoneID))

            // Version 2 with a week's grace: the earlier acceptance still counts, and says until when.
            let second = try await Self.publish(
                server, Self.acceptableUse.replacingOccurrences(of: "managed apps.", with: "managed apps only.")
                    .replacingOccurrences(of: #""audience""#, with: #""graceDays": 7, "audience""#))
            #expect(second["version"] as? Int == 2)
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)
            #expect(try await Self.agreements(server, &phone).map(\.status) == [.inGracePeriod])

            // Version 3 without grace: access waits for the new acceptance at once.
            let third = try await Self.publish(
                server, Self.acceptableUse.replacingOccurrences(of: "managed apps.", with: "Vigil's apps.")
                    .replacingOccurrences(of: #""audience""#, with: #""graceDays": 0, "audience""#))
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .denied)
            let old = try await Self.accept(
                server, &phone, AgreementID(rawValue: try #require(second["id"] as? String)),
                sha256: try #require(second["sha256"] as? String))
            #expect(old.status == .badRequest, "a superseded version cannot be accepted: \(old.text)")

            // The clinician accepts over the API with their token instead.
            let mine = try await server.send(.get, "/api/v1/me/agreements", as: .clinician).json()
            let listedByAPI = try #require((mine["agreements"] as? [[String: Any]])?.first)
            #expect(listedByAPI["version"] as? Int == 3 && listedByAPI["status"] as? String == "missing")
            let thirdID = try #require(third["id"] as? String)
            let othersPhone = try #require(
                try await TestDevice.enrolled(server, for: server.cast.person(.nurseManager), ownership: .byod).deviceID)
            let notMine = try await server.send(
                .post, "/api/v1/agreements/\(thirdID)/acceptances", as: .clinician,
                body: #"{"sha256": "\#(try #require(third["sha256"] as? String))", "deviceID": "\#(othersPhone)"}"#)
            let notMineField = try notMine.json()["field"] as? String
            #expect(notMine.status == .badRequest && notMineField == "deviceID")
            let byToken = try await server.send(
                .post, "/api/v1/agreements/\(thirdID)/acceptances", as: .clinician,
                body: #"{"sha256": "\#(try #require(third["sha256"] as? String))", "deviceID": "\#(phoneID)"}"#)
            #expect(byToken.status == .created, "\(byToken.text)")
            #expect(try server.decodeCheckIn(try await phone.checkIn(server)).access.state == .allowed)
        }
    }

    @Test func onlyAdministratorsPublishAndBadDocumentsAreRefused() async throws {
        try await TestServer.run { server in
            let before = try await StoreCounts.of(server.store)
            for role in [Role.auditor, .securityOfficer, .clinician] {
                let refused = try await server.send(.post, "/api/v1/agreements", as: role, body: Self.acceptableUse)
                #expect(refused.status == .forbidden)
            }
            let cases: [(body: String, field: String)] = [
                (Self.acceptableUse.replacingOccurrences(of: "acceptable-use", with: "Acceptable Use"), "name"),
                (Self.acceptableUse.replacingOccurrences(of: "acceptable_use", with: "rules"), "kind"),
                (Self.acceptableUse.replacingOccurrences(of: #""roles""#, with: #""role""#), "audience.role"),
                (Self.acceptableUse.replacingOccurrences(of: #""audience""#, with: #""graceDays": 400, "audience""#), "graceDays"),
                (Self.acceptableUse.replacingOccurrences(of: #""audience""#, with: #""effectiveAt": "2020-01-01T00:00:00Z", "audience""#), "effectiveAt"),
            ]
            for (body, field) in cases {
                let response = try await server.send(.post, "/api/v1/agreements", as: .admin, body: body)
                #expect(response.status == .badRequest, "\(field): \(response.text)")
                #expect(try response.json()["field"] as? String == field)
            }
            #expect(try await StoreCounts.of(server.store).successfulAuditEvents == before.successfulAuditEvents)
            _ = try await Self.publish(server, Self.acceptableUse)
            let same = try await server.send(.post, "/api/v1/agreements", as: .admin, body: Self.acceptableUse)
            #expect(same.status == .badRequest, "an identical version is refused")
            #expect(try await server.send(.get, "/api/v1/agreements", as: .auditor).status == .ok)
        }
    }

    @Test(arguments: StoreBackend.available)
    func approvalRulesDecideAtEnrollmentAndApprovalProvisions(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let clinician = server.cast.person(.clinician)
            func settings(_ rules: String) async throws {
                let response = try await server.send(
                    .put, "/api/v1/byod/settings", as: .admin, body: #"{"byodApproval": \#(rules)}"#)
                #expect(response.status == .ok, "\(response.text)")
            }
            func enroll() async throws -> (TestDevice, [String: Any]) {
                var device = TestDevice()
                let code = try await TestDevice.invite(server, for: clinician, ownership: .byod)
                let response = try await device.enroll(server, code: code)
                #expect(response.status == .created, "\(response.text)")
                try await device.openSession(server)
                let record = try await server.send(.get, "/api/v1/devices/\(try #require(device.deviceID))", as: .admin)
                return (device, try #require(try record.json()["device"] as? [String: Any]))
            }
            _ = try await server.send(
                .put, "/api/v1/policies", as: .admin,
                body: #"{"policies": [{"name": "byod", "scope": {"ownership": ["byod"]}, "requirements": {"passcodeRequired": true}}]}"#)

            // The defaults: every personal device waits for an administrator, with the reason.
            var (waiting, record) = try await enroll()
            #expect(record["approval"] as? String == "pending")
            #expect(record["approvalReason"] as? String == "waiting for an administrator: the rules do not approve devices automatically")
            let notYet = try await waiting.signed(server, "/agent/v1/provisioning", method: .get, body: Data())
            #expect(notYet.status == .conflict, "\(notYet.text)")

            try await settings(#"{"autoApprove": true, "allowedPlatforms": ["android"], "maximumDevicesPerPerson": 3}"#)
            let change = try await server.store.auditEvents(AuditEventFilter(action: .byodSettingsUpdated), .first).items
            #expect(
                change.first?.reason
                    == "version 1: byodApproval.autoApprove false → true; byodApproval.allowedPlatforms [] → [android]; "
                    + "byodApproval.maximumDevicesPerPerson none → 3")
            var (approved, approvedRecord) = try await enroll()
            #expect(approvedRecord["approval"] as? String == "approved")
            let provisioned = try await approved.signed(server, "/agent/v1/provisioning", method: .get, body: Data())
            #expect(provisioned.status == .ok, "\(provisioned.text)")
            let provisioning = try VigilJSON.makeDecoder().decode(Provisioning.self, from: Data(buffer: provisioned.body))
            #expect(provisioning.policies.map(\.name) == ["byod"])
            #expect(provisioning.requirements.passcodeRequired == true)

            // Soft rules wait, hard rules deny; the device limit counts the devices in service.
            try await settings(#"{"autoApprove": true, "minimumOSVersions": {"android": "16"}, "maximumDevicesPerPerson": 3}"#)
            #expect(try await enroll().1["approval"] as? String == "pending")
            try await settings(#"{"autoApprove": true, "blockedModels": ["pixel*"], "maximumDevicesPerPerson": 9}"#)
            let blocked = try await enroll().1
            #expect(blocked["approval"] as? String == "denied")
            #expect((blocked["approvalReason"] as? String)?.contains("model Pixel 8 is blocked") == true)
            try await settings(#"{"autoApprove": true, "maximumDevicesPerPerson": 3}"#)
            let overLimit = try await enroll().1
            #expect(overLimit["approval"] as? String == "denied")
            #expect((overLimit["approvalReason"] as? String)?.contains("the limit is 3") == true)

            let refused = try await server.send(
                .put, "/api/v1/byod/settings", as: .admin, body: #"{"byodApproval": {"autoApprove": true, "maxDevices": 2}}"#)
            #expect(refused.status == .badRequest)
            #expect(try refused.json()["field"] as? String == "byodApproval.maxDevices")
            let stale = try await server.send(.put, "/api/v1/byod/settings", as: .admin, body: #"{"version": 1}"#)
            #expect(stale.status == .conflict)
            _ = waiting
        }
    }

    @Test func aVersionAnotherReplicaPublishedCanBeAcceptedAtOnce() async throws {
        try await TestServer.run { server in
            var phone = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            _ = try server.decodeCheckIn(try await phone.checkIn(server))  // the server reads its copy now
            // Published straight into the database, as another replica would: this server's copy does not know it.
            let agreement = try Agreement.publish(
                AgreementDraft(name: "privacy", kind: .privacy, title: "Privacy", text: "What we see."), previous: nil,
                at: Date().roundedToMilliseconds)
            try await server.store.publishAgreement(agreement, audit: Fixtures.audit(.agreementPublished))
            let accepted = try await Self.accept(server, &phone, agreement.id, sha256: agreement.sha256)
            #expect(accepted.status == .ok, "\(accepted.text)")
        }
    }
}
