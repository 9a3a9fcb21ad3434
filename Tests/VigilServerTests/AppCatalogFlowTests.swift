import Foundation
import HTTPTypes
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The app vetting story over HTTP: an app enters the catalog, is assessed in the four areas,
/// is refused approval until every area passed, is approved, loses its approval to a failing
/// assessment, and PHI services learn of it when they verify a grant.
@Suite struct AppCatalogFlowTests {
    static let ehr = "/api/v1/apps/org.mercy.ehr"
    static let ehrBody = #"{"name":"Mercy EHR","platforms":["ios","android"],"ownerships":["byod"],"handlesPHI":true,"required":true}"#

    static func assessment(_ area: String, _ result: String, date: String = "2026-01-10") -> String {
        #"{"area":"\#(area)","reviewer":"J. Rivera","date":"\#(date)","notes":"Checked against the Xcertia guideline.","result":"\#(result)"}"#
    }

    static func approval(_ approved: Bool) -> String {
        #"{"approved":\#(approved),"reason":"Vetting committee, meeting 12"}"#
    }

    /// Adds the EHR app and records a passing assessment in every area.
    static func addAssessedEHR(_ server: TestServer) async throws {
        #expect(try await server.send(.put, ehr, as: .admin, body: ehrBody).status == .created)
        for area in AssessmentArea.allCases {
            let recorded = try await server.send(
                .post, "\(ehr)/assessments", as: .securityOfficer, body: assessment(area.rawValue, "pass"))
            #expect(recorded.status == .created, "\(recorded.text)")
        }
    }

    static func events(_ server: TestServer, _ action: AuditAction) async throws -> [AuditEvent] {
        try await server.store.auditEvents(AuditEventFilter(action: action), try PageRequest(limit: 200)).items
    }

    @Test(arguments: StoreBackend.available)
    func anAppIsApprovedOnlyAfterPassingEveryAreaAndLosesItOnAFailure(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let created = try await server.send(.put, Self.ehr, as: .admin, body: Self.ehrBody)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.location] == Self.ehr)
            let app = try created.json()
            #expect(app["id"] as? String == "org.mercy.ehr" && app["version"] as? Int == 1)
            #expect(app["platforms"] as? [String] == ["android", "ios"] && app["ownerships"] as? [String] == ["byod"])
            #expect(app["handlesPHI"] as? Bool == true && app["required"] as? Bool == true)
            #expect(app["approvedForPHI"] as? Bool == false && (app["assessments"] as? [Any])?.isEmpty == true)

            // Nothing assessed: every area is named.
            let unassessed = try await server.send(.post, "\(Self.ehr)/phi-approval", as: .securityOfficer, body: Self.approval(true))
            #expect(unassessed.status == .badRequest)
            #expect(try unassessed.string("field") == "approved")
            #expect(try unassessed.string("detail")?.contains("not assessed: operability, privacy, security, content_accuracy") == true)

            for (area, result) in [("operability", "pass"), ("privacy", "pass"), ("security", "pass"), ("content_accuracy", "fail")] {
                let recorded = try await server.send(
                    .post, "\(Self.ehr)/assessments", as: .securityOfficer, body: Self.assessment(area, result))
                #expect(recorded.status == .created, "\(recorded.text)")
            }
            let failedArea = try await server.send(.post, "\(Self.ehr)/phi-approval", as: .admin, body: Self.approval(true))
            #expect(failedArea.status == .badRequest)
            let detail = try #require(try failedArea.string("detail"))
            #expect(detail.contains("failed: content_accuracy") && !detail.contains("not assessed"), "\(detail)")
            #expect(try await server.store.catalogApp(id: "org.mercy.ehr")?.approvedForPHI == false)

            // A newer pass in the failed area, and the app may be approved.
            let fixed = try await server.send(
                .post, "\(Self.ehr)/assessments", as: .securityOfficer,
                body: Self.assessment("content_accuracy", "pass", date: "2026-01-20"))
            #expect(try fixed.json()["version"] as? Int == 6)
            let approved = try await server.send(.post, "\(Self.ehr)/phi-approval", as: .securityOfficer, body: Self.approval(true))
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(try approved.json()["approvedForPHI"] as? Bool == true)
            let shown = try await server.send(.get, Self.ehr, as: .auditor).json()
            #expect(shown["approvedForPHI"] as? Bool == true && shown["version"] as? Int == 7)
            #expect((shown["assessments"] as? [[String: Any]])?.count == 5)

            // A failing assessment withdraws the approval, and the audit trail says so.
            let failing = try await server.send(
                .post, "\(Self.ehr)/assessments", as: .securityOfficer,
                body: Self.assessment("security", "fail", date: "2026-02-01"))
            #expect(failing.status == .created)
            #expect(try failing.json()["approvedForPHI"] as? Bool == false)
            let assessed = try await Self.events(server, .appAssessed)
            #expect(assessed.count == 6 && assessed.allSatisfy { $0.outcome == .success && $0.target?.type == "app" })
            #expect(assessed.first?.reason == "security fail, dated 2026-02-01; PHI approval withdrawn")
            #expect(assessed.last?.reason == "operability pass, dated 2026-01-10")

            let approvals = try await Self.events(server, .appPHIApproval)
            #expect(approvals.filter { $0.outcome == .success }.map(\.reason) == ["approved for PHI: Vetting committee, meeting 12"])
            // The two refusals are recorded as failures naming the field, never the areas' details.
            #expect(approvals.filter { $0.outcome == .failure }.map(\.reason) == Array(repeating: "400 invalid-field (approved)", count: 2))
            #expect(try await Self.events(server, .appCreated).map(\.target?.id) == ["org.mercy.ehr"])

            let listed = try await server.send(.get, "/api/v1/apps", as: .auditor).json()
            #expect((listed["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["org.mercy.ehr"])
        }
    }

    @Test func replacingAnAppKeepsItsAssessmentsAndCeasingToHandlePHIWithdrawsApproval() async throws {
        try await TestServer.run { server in
            try await Self.addAssessedEHR(server)
            #expect(try await server.send(.post, "\(Self.ehr)/phi-approval", as: .admin, body: Self.approval(true)).status == .ok)
            // The same content changes nothing.
            let same = try await server.send(.put, Self.ehr, as: .admin, body: Self.ehrBody)
            #expect(same.status == .ok)
            #expect(try same.json()["version"] as? Int == 6)
            #expect(try await Self.events(server, .appUpdated).isEmpty)

            let renamed = try await server.send(
                .put, Self.ehr, as: .admin, body: #"{"name":"Mercy EHR 5","handlesPHI":true,"version":6}"#)
            #expect(renamed.status == .ok, "\(renamed.text)")
            let app = try renamed.json()
            #expect(app["name"] as? String == "Mercy EHR 5" && app["version"] as? Int == 7)
            #expect(app["platforms"] as? [String] == [] && app["required"] as? Bool == false)
            #expect(app["approvedForPHI"] as? Bool == true && (app["assessments"] as? [Any])?.count == 4)

            let notPHI = try await server.send(.put, Self.ehr, as: .admin, body: #"{"name":"Mercy EHR 5","handlesPHI":false}"#)
            #expect(try notPHI.json()["approvedForPHI"] as? Bool == false)
            #expect(try await Self.events(server, .appUpdated).map(\.reason) == [
                "version 7 → 8; PHI approval withdrawn: no longer handles PHI", "version 6 → 7",
            ])
            // And it cannot be approved while it does not handle PHI.
            let refused = try await server.send(.post, "\(Self.ehr)/phi-approval", as: .admin, body: Self.approval(true))
            #expect(refused.status == .badRequest)
            #expect(try refused.string("detail")?.contains("does not handle PHI") == true)
            // Withdrawing is always possible.
            #expect(try await server.send(.post, "\(Self.ehr)/phi-approval", as: .admin, body: Self.approval(false)).status == .ok)
        }
    }

    @Test func auditorsReadButNeverWriteAndOnlyOfficersAssess() async throws {
        try await TestServer.run { server in
            try await Self.addAssessedEHR(server)
            let before = try await server.store.catalogApps()
            #expect(try await server.send(.get, "/api/v1/apps", as: .auditor).status == .ok)
            #expect(try await server.send(.get, Self.ehr, as: .auditor).status == .ok)
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.put, Self.ehr, Self.ehrBody), (.delete, "\(Self.ehr)?version=5", nil),
                (.post, "\(Self.ehr)/assessments", Self.assessment("privacy", "fail")),
                (.post, "\(Self.ehr)/phi-approval", Self.approval(true)),
            ]
            for (method, uri, body) in writes {
                #expect(try await server.send(method, uri, as: .auditor, body: body).status == .forbidden, "\(method) \(uri)")
                #expect(try await server.send(method, uri, as: .clinician, body: body).status == .forbidden, "\(method) \(uri)")
            }
            // A security officer assesses and approves, but does not edit the catalog.
            #expect(try await server.send(.put, Self.ehr, as: .securityOfficer, body: Self.ehrBody).status == .forbidden)
            #expect(try await server.send(.delete, "\(Self.ehr)?version=5", as: .securityOfficer).status == .forbidden)
            #expect(try await server.send(.get, "/api/v1/apps", as: .clinician).status == .forbidden)
            #expect(try await server.store.catalogApps() == before)
        }
    }

    @Test func badInputIsA400NamingTheFieldAndWritesNothing() async throws {
        try await TestServer.run { server in
            try await Self.addAssessedEHR(server)
            let before = try await server.store.catalogApps()
            let counts = try await StoreCounts.of(server.store)
            let cases: [(HTTPRequest.Method, String, String, String)] = [
                (.put, "/api/v1/apps/bad%20id", Self.ehrBody, "id"),
                (.put, "/api/v1/apps/" + String(repeating: "a", count: 201), Self.ehrBody, "id"),
                (.put, Self.ehr, #"{"handlesPHI":true}"#, "name"),
                (.put, Self.ehr, #"{"name":"Mercy EHR"}"#, "handlesPHI"),
                (.put, Self.ehr, #"{"name":"  ","handlesPHI":true}"#, "name"),
                (.put, Self.ehr, #"{"name":"Mercy EHR","handlesPHI":"yes"}"#, "handlesPHI"),
                (.put, Self.ehr, #"{"name":"Mercy EHR","handlesPHI":true,"platforms":["beos"]}"#, "platforms[0]"),
                (.put, Self.ehr, #"{"name":"Mercy EHR","handlesPHI":true,"ownerships":"byod"}"#, "ownerships"),
                (.put, Self.ehr, #"{"name":"Mercy EHR","handlesPHI":true,"version":0}"#, "version"),
                (.put, Self.ehr, #"{"name":"Mercy EHR","handlesPHI":true,"approvedForPHI":true}"#, "approvedForPHI"),
                (.post, "\(Self.ehr)/assessments", Self.assessment("looks", "pass"), "area"),
                (.post, "\(Self.ehr)/assessments", Self.assessment("privacy", "maybe"), "result"),
                (.post, "\(Self.ehr)/assessments", Self.assessment("privacy", "fail", date: "2026-13-01"), "date"),
                (.post, "\(Self.ehr)/assessments", Self.assessment("privacy", "fail", date: "2999-01-01"), "date"),
                (.post, "\(Self.ehr)/assessments", #"{"area":"privacy","reviewer":"","date":"2026-01-01","notes":"n","result":"fail"}"#, "reviewer"),
                (.post, "\(Self.ehr)/assessments", #"{"area":"privacy","reviewer":"R","date":"2026-01-01","result":"fail"}"#, "notes"),
                (.post, "\(Self.ehr)/assessments", #"{"area":"privacy","reviewer":"R","date":"2026-01-01","notes":"\#(String(repeating: "n", count: 2_001))","result":"fail"}"#, "notes"),
                (.post, "\(Self.ehr)/phi-approval", #"{"approved":true}"#, "reason"),
                (.post, "\(Self.ehr)/phi-approval", #"{"approved":"yes","reason":"r"}"#, "approved"),
                (.post, "\(Self.ehr)/phi-approval", #"{"approved":false,"reason":"\u0007"}"#, "reason"),
                (.delete, Self.ehr, "", "version"),
                (.delete, "\(Self.ehr)?version=0", "", "version"),
                (.delete, "\(Self.ehr)?version=5&force=true", "", "force"),
                (.get, "/api/v1/apps?limit=5", "", "limit"),
            ]
            for (method, uri, body, field) in cases {
                let response = try await server.send(method, uri, as: .admin, body: body.isEmpty ? nil : body)
                #expect(response.status == .badRequest, "\(method) \(uri) \(body.prefix(80)): \(response.status) \(response.text)")
                #expect(try response.string("field") == field, "\(method) \(uri) \(body.prefix(80))")
            }
            // Paths that cannot name an app are not found.
            #expect(try await server.send(.get, "/api/v1/apps/no%20such", as: .admin).status == .notFound)
            #expect(try await server.send(.get, "/api/v1/apps/org.unknown", as: .admin).status == .notFound)
            #expect(try await server.send(
                .post, "/api/v1/apps/org.unknown/assessments", as: .admin, body: Self.assessment("privacy", "pass")).status
                == .notFound)
            #expect(try await server.send(.delete, "/api/v1/apps/org.unknown?version=1", as: .admin).status == .notFound)
            #expect(try await server.store.catalogApps() == before)
            #expect(try await StoreCounts.of(server.store) == counts)
        }
    }

    @Test(arguments: StoreBackend.available)
    func versionsGuardAgainstLostUpdates(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            #expect(try await server.send(.put, Self.ehr, as: .admin, body: Self.ehrBody).status == .created)
            // Two administrators read version 1; the first to write wins.
            let first = try await server.send(.put, Self.ehr, as: .admin, body: #"{"name":"First","handlesPHI":true,"version":1}"#)
            #expect(first.status == .ok)
            let second = try await server.send(.put, Self.ehr, as: .admin, body: #"{"name":"Second","handlesPHI":true,"version":1}"#)
            #expect(second.status == .conflict)
            #expect(try second.string("detail")?.contains("at version 2, not at version 1") == true)
            let removed = try await server.send(.put, "/api/v1/apps/org.gone", as: .admin, body: #"{"name":"Gone","handlesPHI":false,"version":3}"#)
            #expect(removed.status == .conflict)
            #expect(try await server.store.catalogApp(id: "org.gone") == nil)

            let stale = try await server.send(.delete, "\(Self.ehr)?version=1", as: .admin)
            #expect(stale.status == .conflict, "\(stale.text)")
            #expect(try await server.store.catalogApp(id: "org.mercy.ehr")?.name == "First")
            let updates = try await Self.events(server, .appUpdated)
            #expect(updates.filter { $0.outcome == .failure }.map(\.reason) == ["409 conflict", "409 conflict"])
            #expect(try await Self.events(server, .appRemoved).map(\.reason) == ["409 conflict"])

            let deleted = try await server.send(.delete, "\(Self.ehr)?version=2", as: .admin)
            #expect(deleted.status == .noContent)
            #expect(try await server.send(.get, Self.ehr, as: .admin).status == .notFound)
            #expect(try await Self.events(server, .appRemoved).first?.reason == "version 2")
            // Created again, it starts over at version 1.
            let again = try await server.send(.put, Self.ehr, as: .admin, body: Self.ehrBody)
            #expect(again.status == .created)
            #expect(try again.json()["version"] as? Int == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func verifyJudgesTheAppPresentingTheGrant(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let grant = try #require(try server.decodeCheckIn(try await device.checkIn(server)).grant)
            func verify(app: String?) async throws -> [String: Any] {
                let field = app.map { #","app":"\#($0)""# } ?? ""
                let response = try await server.send(
                    .post, "/api/v1/access/verify", as: .clinician, body: #"{"grant":"\#(grant.token)"\#(field)}"#)
                #expect(response.status == .ok, "\(response.text)")
                return try response.json()
            }
            func code(_ answer: [String: Any]) -> String? { (answer["reason"] as? [String: Any])?["code"] as? String }

            #expect(try await verify(app: nil)["active"] as? Bool == true)
            // An app the catalog does not know is judged as a PHI app: this device may reach PHI.
            #expect(try await verify(app: "org.unknown.app")["active"] as? Bool == true)

            // In the catalog, handling PHI, not approved: refused.
            #expect(try await server.send(.put, Self.ehr, as: .admin, body: Self.ehrBody).status == .created)
            let unapproved = try await verify(app: "org.mercy.ehr")
            #expect(unapproved["active"] as? Bool == false && code(unapproved) == "app_not_approved")
            #expect(unapproved["claims"] == nil)

            for area in AssessmentArea.allCases {
                #expect(try await server.send(
                    .post, "\(Self.ehr)/assessments", as: .securityOfficer, body: Self.assessment(area.rawValue, "pass")
                ).status == .created)
            }
            #expect(try await server.send(.post, "\(Self.ehr)/phi-approval", as: .securityOfficer, body: Self.approval(true)).status == .ok)
            let approved = try await verify(app: "org.mercy.ehr")
            #expect(approved["active"] as? Bool == true)
            #expect((approved["claims"] as? [String: Any])?["device"] as? String == device.deviceID?.rawValue)

            // A failing assessment takes it away at once.
            #expect(try await server.send(
                .post, "\(Self.ehr)/assessments", as: .securityOfficer, body: Self.assessment("privacy", "fail")
            ).status == .created)
            #expect(code(try await verify(app: "org.mercy.ehr")) == "app_not_approved")

            // An app that does not handle PHI is judged as such.
            #expect(try await server.send(
                .put, "/api/v1/apps/com.acme.badge", as: .admin, body: #"{"name":"Badge","handlesPHI":false}"#
            ).status == .created)
            #expect(try await verify(app: "com.acme.badge")["active"] as? Bool == true)

            // The app must be an identifier.
            let bad = try await server.send(
                .post, "/api/v1/access/verify", as: .clinician, body: #"{"grant":"\#(grant.token)","app":"not an id"}"#)
            #expect(bad.status == .badRequest)
            #expect(try bad.string("field") == "app")
        }
    }
}
