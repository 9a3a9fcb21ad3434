import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// `GET /privacy/{device}` and `GET /agent/v1/privacy`: the notice a person reads about their
/// device, generated from the configuration in force.
@Suite struct PrivacyPageTests {
    /// A model name full of markup, to prove that every value is escaped.
    static let hostileModel = #"<script>alert("x")</script> & 'co'"#

    static func notice(_ response: TestResponse) throws -> PrivacyNotice {
        #expect(response.status == .ok, "\(response.text)")
        return try VigilJSON.makeDecoder().decode(PrivacyNotice.self, from: Data(buffer: response.body))
    }

    /// `GET /privacy/{id}` with `Accept` set.
    static func page(_ server: TestServer, _ id: String, accept: String, as role: Role? = nil, secret: TokenSecret? = nil)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.accept: accept]
        if let token = secret ?? role.map(server.cast.secret) { headers[.authorization] = "Bearer \(token.value)" }
        return try await server.client.executeRequest(uri: "/privacy/\(id)", method: .get, headers: headers, body: nil)
    }

    @Test(arguments: StoreBackend.available)
    func theOwnerReadsAnEscapedPageOnTheirPhone(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let clinician = server.cast.person(.clinician)
            _ = try await AgreementFlowTests.publish(server, #"""
                {"name": "acceptable-use", "kind": "acceptable_use", "title": "Use <b>with</b> care & \"sense\"",
                 "text": "Keep PHI in managed apps.", "audience": {"roles": ["clinician"]}}
                """#)
            let facts = DeviceFacts(platform: .android, model: Self.hostileModel, osVersion: "15")
            let device = try await TestDevice.enrolled(server, for: clinician, ownership: .byod, facts: facts)
            let id = try #require(device.deviceID).rawValue

            let page = try await Self.page(server, id, accept: "text/html,application/xhtml+xml,*/*;q=0.8", as: .clinician)
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.hasPrefix("default-src 'none'") == true)
            let html = page.text
            #expect(html.contains(#"<meta name="viewport""#))
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"))
            #expect(html.contains("Use &lt;b&gt;with&lt;/b&gt; care &amp; &quot;sense&quot; (version 1)"))
            #expect(!html.contains("<script") && !html.contains("<b>"), "no value is read as markup")
            #expect(!html.contains("http:") && !html.contains("https:") && !html.contains("src="), "no external asset")
            #expect(html.contains(#"Erase the whole device (full wipe)</td><td><span class="no">No</span>"#))
            #expect(html.contains(#"Remove the hospital&#39;s apps and data (selective wipe)</td><td><span class="yes">Yes</span>"#))
            #expect(html.contains(#"Precise location</td><td><span class="no">Never</span>"#))
            #expect(html.contains("Your messages") && html.contains("Its battery level"))
            #expect(html.contains("not accepted yet"))

            let json = try await Self.page(server, id, accept: "application/json", as: .clinician)
            #expect(json.headers[.contentType] == "application/json")
            #expect(json.headers[.cacheControl] == "no-store")
            let notice = try Self.notice(json)
            #expect(notice.deviceID.rawValue == id && notice.ownership == .byod && notice.model == Self.hostileModel)
            #expect(notice.fields.first { $0.field == .personalApps }?.level == .never)
            #expect(notice.actions.first { $0.action == .fullWipe }?.allowed == false)
            #expect(notice.agreements.map(\.status) == [.missing])
            let raw = try json.json()
            #expect((raw["actions"] as? [[String: Any]])?.first?["action"] as? String == "lock")
        }
    }

    @Test func readersOfDevicesSeeItAndEveryoneElseIsToldNothingExists() async throws {
        try await TestServer.run { server in
            let device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            let id = try #require(device.deviceID).rawValue
            for role in [Role.admin, .securityOfficer, .auditor] {
                #expect(try await Self.page(server, id, accept: "application/json", as: role).status == .ok, "\(role)")
            }

            let colleague = Fixtures.person(.clinician)
            let colleagueSecret = try await Fixtures.enroll(colleague, in: server.store).secret
            let refused = try await Self.page(server, id, accept: "application/json", secret: colleagueSecret)
            let unknown = try await Self.page(
                server, DeviceID.generate(at: Date()).rawValue, accept: "application/json", secret: colleagueSecret)
            let malformed = try await Self.page(server, "dev_nope", accept: "application/json", secret: colleagueSecret)
            for response in [refused, unknown, malformed] {
                #expect(response.status == .notFound)
                #expect(try response.string("detail") == "There is no device with this ID whose privacy notice you may read.")
            }
            #expect(try await Self.page(server, id, accept: "text/html", as: .nurseManager).status == .notFound)
            #expect(try await Self.page(server, id, accept: "text/html").status == .unauthorized)

            let denials = try await server.store.auditEvents(AuditEventFilter(action: .authorizationDenied), .first)
            #expect(denials.items.contains { $0.target == .device(DeviceID(rawValue: id)) && $0.actor.id == colleague.id.rawValue })
        }
    }

    @Test func theNoticeFollowsTheSettingsInForce() async throws {
        try await TestServer.run { server in
            let device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician), ownership: .byod)
            let id = try #require(device.deviceID).rawValue
            let changed = try await server.send(
                .put, "/api/v1/byod/settings", as: .admin, body: #"{"collection": {"byod": {"personalApps": "collect_hidden"}}}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let notice = try Self.notice(try await Self.page(server, id, accept: "application/json", as: .clinician))
            #expect(notice.settingsVersion == 1)
            let apps = try #require(notice.fields.first { $0.field == .personalApps })
            #expect(apps.level == .hidden && apps.seenBy == [.securityOfficer])
            // A personal device's coordinates are never stored: its precise location cannot be collected.
            let refused = try await server.send(
                .put, "/api/v1/byod/settings", as: .admin, body: #"{"collection": {"byod": {"preciseLocation": "collect"}}}"#)
            #expect(refused.status == .badRequest)
            #expect(try refused.string("field") == "collection.byod.preciseLocation")
        }
    }

    @Test func theAgentReadsItsOwnNoticeWithASignedRequest() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let notice = try Self.notice(try await device.signed(server, "/agent/v1/privacy", method: .get, body: Data()))
            #expect(notice.deviceID == device.deviceID && notice.ownership == .corporate && notice.hospitalOwned)
            #expect(notice.actions.first { $0.action == .fullWipe }?.allowed == true)
            #expect(notice.agreements.isEmpty)
            var headers = device.signedHeaders(.get, "/agent/v1/privacy", body: Data())
            headers[.accept] = "text/html"
            let page = try await server.client.executeRequest(
                uri: "/agent/v1/privacy", method: .get, headers: headers, body: ByteBuffer())
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<!doctype html>") || page.text.contains("<!DOCTYPE html>"))

            let unsigned = try await server.client.executeRequest(uri: "/agent/v1/privacy", method: .get, headers: [:], body: nil)
            #expect(unsigned.status == .unauthorized)
            let deviceID = try #require(device.deviceID)
            _ = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/retire", as: .admin, body: #"{"disposition": "lost", "custodian": "IT"}"#)
            let retired = try await device.signed(server, "/agent/v1/privacy", method: .get, body: Data())
            #expect(retired.status == .unauthorized, "retirement ended the session")
        }
    }
}
