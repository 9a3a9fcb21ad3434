import Foundation
import HTTPTypes
import Logging
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

@testable import VigilServer

/// The directory of people and facilities over the API, with its audit trail.
@Suite struct PeopleFlowTests {
    @Test(arguments: StoreBackend.available)
    func anAdministratorManagesPeopleAndEveryWriteIsAudited(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let facility = server.cast.facility
            let created = try await server.send(
                .post, "/api/v1/people", as: .admin,
                body: #"""
                    {"name": " Dr. Helen Brandt ", "email": "Helen.Brandt@Cardio.example",
                     "affiliation": "affiliated_clinician", "roles": ["clinician"], "facilityIDs": ["\#(facility.id)"]}
                    """#)
            #expect(created.status == .created)
            let person = try created.json()
            let id = try #require(person["id"] as? String)
            #expect(id.hasPrefix("per_"))
            #expect(person["name"] as? String == "Dr. Helen Brandt")
            #expect(person["email"] as? String == "helen.brandt@cardio.example")
            #expect(person["status"] as? String == "active")
            #expect(created.headers[.location] == "/api/v1/people/\(id)")

            let duplicate = try await server.send(
                .post, "/api/v1/people", as: .admin,
                body: #"{"name": "X", "email": "helen.brandt@cardio.example", "affiliation": "employee", "roles": ["clinician"]}"#)
            #expect(duplicate.status == .conflict)

            let patched = try await server.send(
                .patch, "/api/v1/people/\(id)", as: .admin, body: #"{"roles": ["clinician", "nurse_manager"]}"#)
            #expect(patched.status == .ok)
            #expect(try patched.json()["roles"] as? [String] == ["nurse_manager", "clinician"])
            #expect(try patched.string("id") == id)

            let read = try await server.send(.get, "/api/v1/people/\(id)", as: .auditor)
            #expect(try read.string("email") == "helen.brandt@cardio.example")

            let trail = try await server.send(.get, "/api/v1/audit-events?targetID=\(id)", as: .auditor)
            let events = try #require(try trail.json()["items"] as? [[String: Any]])
            #expect(events.map { $0["action"] as? String } == ["person.update", "person.create"])
            let actor = try #require(events.first?["actor"] as? [String: Any])
            #expect(actor["id"] as? String == server.cast.person(.admin).id.rawValue)
            #expect(actor["tokenID"] != nil)
            #expect(events.first?["requestID"] as? String == patched.headers[.init("X-Request-ID")!])
        }
    }

    @Test func listsPageWithOpaqueCursors() async throws {
        try await TestServer.run { server in
            var seen: [String] = []
            var uri = "/api/v1/people?limit=4"
            while true {
                let page = try await server.send(.get, uri, as: .admin)
                #expect(page.status == .ok)
                let json = try page.json()
                seen += (json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let cursor = json["nextCursor"] as? String else {
                    #expect(json["nextCursor"] is NSNull)
                    break
                }
                uri = "/api/v1/people?limit=4&cursor=\(cursor)"
            }
            #expect(seen.count == Role.allCases.count)
            #expect(seen == seen.sorted())
        }
    }

    @Test func facilitiesAreCreatedAndChanged() async throws {
        try await TestServer.run { server in
            let created = try await server.send(
                .post, "/api/v1/facilities", as: .admin,
                body: #"{"name": "Riverside", "address": "2 River Rd", "timeZone": "Europe/Berlin"}"#)
            #expect(created.status == .created)
            let id = try #require(try created.string("id"))
            let changed = try await server.send(
                .patch, "/api/v1/facilities/\(id)", as: .admin, body: #"{"timeZone": "Europe/Paris"}"#)
            #expect(try changed.string("timeZone") == "Europe/Paris")
            #expect(try changed.string("name") == "Riverside")
            let list = try await server.send(.get, "/api/v1/facilities", as: .clinician)
            #expect((try list.json()["items"] as? [Any])?.count == 2)
        }
    }

    @Test func auditSearchFiltersAndPages() async throws {
        try await TestServer.run { server in
            for _ in 0..<3 { try await server.send(.get, "/api/v1/people", as: .patient) }
            let patient = server.cast.person(.patient).id
            let denials = try await server.send(
                .get, "/api/v1/audit-events?action=authz.denied&actor=\(patient)&limit=2", as: .securityOfficer)
            let json = try denials.json()
            #expect((json["items"] as? [Any])?.count == 2)
            let cursor = try #require(json["nextCursor"] as? String)
            let rest = try await server.send(
                .get, "/api/v1/audit-events?action=authz.denied&actor=\(patient)&limit=2&cursor=\(cursor)",
                as: .securityOfficer)
            #expect((try rest.json()["items"] as? [Any])?.count == 1)
            let future = try await server.send(.get, "/api/v1/audit-events?from=2999-01-01T00:00:00Z", as: .auditor)
            #expect((try future.json()["items"] as? [Any])?.isEmpty == true)
            let window = try await server.send(
                .get, "/api/v1/audit-events?from=2000-01-01T00:00:00.000Z&until=2999-01-01T00:00:00Z&limit=200",
                as: .auditor)
            #expect(((try window.json()["items"] as? [Any])?.count ?? 0) > 3)
        }
    }
}

/// The rules that keep someone in charge.
@Suite struct AdministratorGuardTests {
    @Test func theLastAdministratorCannotBeSuspendedAndTheChangeIsExplained() async throws {
        try await TestServer.run { server in
            let admin = server.cast.person(.admin)
            let refused = try await server.send(
                .patch, "/api/v1/people/\(admin.id)", as: .admin, body: #"{"status": "suspended"}"#)
            #expect(refused.status == .conflict)
            #expect(try refused.string("detail")?.contains("no active administrator") == true)
            let events = try await server.store.auditEvents(AuditEventFilter(action: .personUpdated), .first).items
            #expect(events.first?.outcome == .failure)
            #expect(events.first?.reason == "409 conflict")
            #expect(events.first?.target == AuditTarget(type: "route", id: "PATCH /api/v1/people/\(admin.id)"))

            let nurse = server.cast.person(.clinician)
            let promoted = try await server.send(
                .patch, "/api/v1/people/\(nurse.id)", as: .admin, body: #"{"roles": ["admin", "clinician"], "name": "N"}"#)
            #expect(promoted.status == .ok)
            let update = try await server.store.auditEvents(AuditEventFilter(action: .personUpdated), .first).items.first
            #expect(update?.outcome == .success)
            #expect(update?.reason == "changed name; roles=admin,clinician")
        }
    }

    @Test func aLeftoverBootstrapTokenNeverCreatesALaterAdministrator() async throws {
        let chosen = "leftover-bootstrap-token-0123456789abcdef"
        try await TestServer.run(configure: { $0.bootstrapToken = chosen }) { server in
            // The cast (people in every role) was stored after start-up; a restart must ignore the token.
            let logger = Logger(label: "test")
            var configuration = ServerConfiguration()
            configuration.dataDirectory = server.dataDirectory
            configuration.bootstrapToken = "another-leftover-token-0123456789abcdef"
            try await StartupTasksProbe.run(configuration: configuration, store: server.store, logger: logger)
            let again = try await server.send(
                .get, "/api/v1/me", secret: TokenSecret(presented: "another-leftover-token-0123456789abcdef"))
            #expect(again.status == .unauthorized)
            let bootstraps = try await server.store.auditEvents(AuditEventFilter(action: .administratorBootstrapped), .first)
            #expect(bootstraps.items.count == 1)
        }
    }
}
