import Foundation
import HTTPTypes
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Sends a corpus of bad bodies to every write route: each gets a 4xx problem naming what is
/// wrong, never a 500, and the store is left exactly as it was.
@Suite struct BadInputTests {
    /// Bodies that are wrong for every write route.
    static let commonCorpus: [String] = [
        "", "not json", "{", "[]", "null", "42", "\"text\"", "{\"unknownField\": 1}",
        "{\"name\": 12}", "{\"name\": null}", "{\"name\": [\"a\"]}", "{\"name\": {\"nested\": true}}",
        String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600),
        "{\"name\": \"" + String(repeating: "x", count: 20_000) + "\"}",
        #"{"name": "nul\u0000byte"}"#,
    ]

    /// Bodies that are wrong for one route in particular.
    static let routeCorpus: [String: [String]] = [
        "POST /api/v1/people": [
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee"}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["wizard"]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "alien", "roles": ["clinician"]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": "clinician"}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": []}"#,
            #"{"name": "A", "email": "not-an-email", "affiliation": "employee", "roles": ["clinician"]}"#,
            #"{"name": "  ", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"]}"#,
            #"{"name": "A\u0007", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "status": "gone"}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "facilityIDs": ["fac_nope"]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "facilityIDs": [7]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "facilityIDs": ["per_x"]}"#,
            #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "facilityIDs": ["fac_\u0000"]}"#,
        ],
        "PATCH /api/v1/people/{id}": [
            #"{"roles": []}"#, #"{"roles": ["wizard"]}"#, #"{"status": "gone"}"#, #"{"email": "x"}"#,
            #"{"facilityIDs": ["fac_nope"]}"#, #"{"id": "per_other"}"#, #"{"createdAt": "2020-01-01T00:00:00Z"}"#,
        ],
        "POST /api/v1/facilities": [
            #"{"name": "F", "address": "1 St"}"#,
            #"{"name": "F", "address": "1 St", "timeZone": "Mars/Olympus"}"#,
            #"{"name": "F", "address": "", "timeZone": "UTC"}"#,
            #"{"name": "F", "address": "1 St", "timeZone": 3}"#,
        ],
        "PATCH /api/v1/facilities/{id}": [#"{"timeZone": "Nowhere/Land"}"#, #"{"name": ""}"#, #"{"id": "fac_x"}"#],
        "POST /api/v1/tokens": [
            #"{"name": "t", "scopes": ["admin", "wizard"]}"#, #"{"name": "t", "scopes": []}"#,
            #"{"name": "t", "expiresInDays": 0}"#, #"{"name": "t", "expiresInDays": 366}"#,
            #"{"name": "t", "expiresInDays": "soon"}"#, #"{"name": "t", "personID": "per_nobody"}"#,
            #"{"scopes": ["admin"]}"#, #"{"name": "t", "personID": "\u0000"}"#,
        ],
        "PUT /api/v1/policies": [
            #"{"policies": {}}"#, #"{"policies": [{"requirements": {}}]}"#,
            #"{"policies": [{"name": "Bad Name"}]}"#, #"{"policies": [{"name": "a", "requirements": {"jailbreak": true}}]}"#,
            #"{"policies": [{"name": "a", "requirements": {"minimumOSVersion": {"beos": "5"}}}]}"#,
            #"{"policies": [{"name": "a", "requirements": {"maximumPatchAgeDays": "30"}}]}"#,
            #"{"policies": [{"name": "a", "scope": {"ownership": []}}]}"#,
            #"{"policies": [{"name": "a", "escalation": [{"afterMinutes": -1, "action": "lock"}]}]}"#,
            #"{"policies": [{"name": "a", "escalation": [{"afterMinutes": 0, "action": "explode"}]}]}"#,
        ],
        "PUT /api/v1/policies/{name}": [
            #"{"name": "other"}"#, #"{"version": 0}"#, #"{"version": "one"}"#,
            #"{"requirements": {"minimumPasscodeLength": 13}}"#, #"{"gracePeriodMinutes": 99999999}"#,
            #"{"requirements": {"approvedModels": []}}"#, #"{"priority": 5000}"#,
        ],
        "POST /api/v1/access/verify": [
            #"{"grant": 5}"#, #"{"grant": null}"#, #"{}"#, #"{"grant": "a.b.c", "app": "not an id"}"#,
            #"{"grant": "a.b.c", "app": 5}"#,
        ],
        "PUT /api/v1/apps/{id}": [
            #"{"handlesPHI": true}"#, #"{"name": "A"}"#, #"{"name": "A", "handlesPHI": "yes"}"#,
            #"{"name": "A", "handlesPHI": true, "platforms": ["beos"]}"#, #"{"name": "A", "handlesPHI": true, "ownerships": "byod"}"#,
            #"{"name": "A", "handlesPHI": true, "version": 0}"#, #"{"name": "A", "handlesPHI": true, "approvedForPHI": true}"#,
            #"{"name": "", "handlesPHI": true}"#,
        ],
        "POST /api/v1/apps/{id}/assessments": [
            #"{"area": "looks", "reviewer": "R", "date": "2026-01-01", "notes": "n", "result": "pass"}"#,
            #"{"area": "privacy", "reviewer": "R", "date": "2026-01-01", "notes": "n", "result": "maybe"}"#,
            #"{"area": "privacy", "reviewer": "R", "date": "2026-02-30", "notes": "n", "result": "pass"}"#,
            #"{"area": "privacy", "reviewer": "R", "date": "2999-01-01", "notes": "n", "result": "pass"}"#,
            #"{"area": "privacy", "reviewer": "", "date": "2026-01-01", "notes": "n", "result": "pass"}"#,
            #"{"area": "privacy", "reviewer": "R", "date": "2026-01-01", "result": "pass"}"#,
            #"{"area": 1, "reviewer": "R", "date": "2026-01-01", "notes": "n", "result": "pass"}"#,
        ],
        "POST /api/v1/apps/{id}/phi-approval": [
            #"{"approved": true}"#, #"{"approved": "yes", "reason": "r"}"#, #"{"approved": false, "reason": ""}"#,
            // The app has no assessment: the rule refuses the approval.
            #"{"approved": true, "reason": "committee"}"#,
        ],
        "POST /api/v1/access/keys": [#"{"reason": ""}"#, #"{"reason": 3}"#, #"{}"#],
    ]

    @Test(arguments: StoreBackend.available)
    func badBodiesGetA4xxAndLeaveNothingBehind(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let app = try CatalogApp.create(
                id: "org.mercy.ehr", from: CatalogAppDraft(name: "Mercy EHR", handlesPHI: true), at: Fixtures.now)
            try await server.store.saveCatalogApp(app, replacingVersion: nil, audit: Fixtures.audit())
            let before = try await StoreCounts.of(server.store)
            let person = server.cast.person(.clinician)
            let facility = server.cast.facility
            for (route, specific) in Self.routeCorpus.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ")
                let method = HTTPRequest.Method(rawValue: String(parts[0]))!
                let uri = String(parts[1])
                    .replacingOccurrences(of: "/people/{id}", with: "/people/\(person.id)")
                    .replacingOccurrences(of: "/facilities/{id}", with: "/facilities/\(facility.id)")
                    .replacingOccurrences(of: "/policies/{name}", with: "/policies/baseline")
                    .replacingOccurrences(of: "/apps/{id}", with: "/apps/\(app.id)")
                for body in Self.commonCorpus + specific {
                    let response = try await server.send(method, uri, as: .admin, body: body)
                    let label = "\(route) with \(body.prefix(80))"
                    #expect([400, 413].contains(response.status.code), "\(label): \(response.status) \(response.text)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(label)")
                    let problem = try response.json()
                    #expect((problem["type"] as? String)?.hasPrefix("urn:vigil:problem:") == true, "\(label)")
                    #expect((problem["detail"] as? String)?.isEmpty == false, "\(label)")
                }
                let notJSON = try await server.send(method, uri, as: .admin, body: "a=b", contentType: "text/plain")
                #expect(notJSON.status == .unsupportedMediaType, "\(route) with text/plain")
            }
            #expect(try await StoreCounts.of(server.store) == before)
            #expect(try await server.store.securityPolicies().isEmpty)
            #expect(try await server.store.grantKeys().isEmpty)
            #expect(try await server.store.catalogApps() == [app])
            let failures = try await server.store.auditEvents(
                AuditEventFilter(action: .personCreated), try PageRequest(limit: 200)
            ).items
            // Every bad body, and the text/plain one.
            #expect(failures.count == Self.commonCorpus.count + Self.routeCorpus["POST /api/v1/people"]!.count + 1)
            #expect(failures.allSatisfy { $0.outcome == .failure && $0.reason?.hasPrefix("4") == true })
            #expect(try await server.store.person(id: person.id) == person)
            #expect(try await server.store.facility(id: facility.id) == facility)
        }
    }

    @Test func fieldErrorsNameTheField() async throws {
        try await TestServer.run { server in
            let cases: [(String, String)] = [
                (#"{"name": "A", "email": "a@b.example", "affiliation": "employee"}"#, "roles"),
                (#"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician", "wizard"]}"#, "roles[1]"),
                (#"{"name": 5, "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"]}"#, "name"),
                (#"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "nmae": "x"}"#, "nmae"),
                (#"{"name": "A", "email": "nope", "affiliation": "employee", "roles": ["clinician"]}"#, "email"),
            ]
            for (body, field) in cases {
                let response = try await server.send(.post, "/api/v1/people", as: .admin, body: body)
                #expect(response.status == .badRequest)
                #expect(try response.string("field") == field, "\(body)")
            }
            let wizard = try await server.send(
                .post, "/api/v1/people", as: .admin,
                body: #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["wizard"]}"#)
            #expect(try wizard.string("detail")?.contains("security_officer") == true)
        }
    }

    @Test func badQueriesGet400() async throws {
        try await TestServer.run { server in
            for uri in [
                "/api/v1/people?limit=0", "/api/v1/people?limit=201", "/api/v1/people?limit=ten",
                "/api/v1/people?cursor=garbage", "/api/v1/people?sort=name", "/api/v1/people?limit=1&limit=2",
                "/api/v1/audit-events?from=yesterday", "/api/v1/audit-events?cursor=\(Self.cursor("abc"))",
                "/api/v1/audit-events?actor=%00", "/api/v1/audit-events?targetID=a%00b",
                "/api/v1/people?cursor=\(Self.cursor("\u{0}"))", "/api/v1/tokens?personID=%00",
                "/api/v1/tokens?personID=per_bad",
            ] {
                let response = try await server.send(.get, uri, as: .admin)
                #expect(response.status == .badRequest, "\(uri): \(response.status)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await TestServer.run(configure: { $0.maximumBodySize = 2048 }) { server in
            let body = #"{"name": "A", "email": "a@b.example", "affiliation": "employee", "roles": ["clinician"], "x": ""# + String(repeating: "y", count: 4096) + "\"}"
            let response = try await server.send(.post, "/api/v1/people", as: .admin, body: body)
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test(arguments: StoreBackend.available)
    func malformedPathIDsAre404(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            for id in ["per_%00", "per_x", "%00", String(repeating: "a", count: 300), "fac_01M8K0Z4WXB2C7H7HD78EW0FN1"] {
                let response = try await server.send(.get, "/api/v1/people/\(id)", as: .admin)
                #expect(response.status == .notFound, "\(id): \(response.status)")
                let patch = try await server.send(.patch, "/api/v1/people/\(id)", as: .admin, body: #"{"name": "x"}"#)
                #expect(patch.status == .notFound, "\(id): \(patch.status)")
            }
        }
    }

    static func cursor(_ position: String) -> String { Base64URL.encode(Array("v1:\(position)".utf8)) }
}
