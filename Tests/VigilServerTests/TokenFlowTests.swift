import Foundation
import HTTPTypes
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Creating, using, listing and revoking API tokens over the API.
@Suite struct TokenFlowTests {
    @Test(arguments: StoreBackend.available)
    func anAdministratorIssuesATokenThatWorksUntilRevoked(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let clinician = server.cast.person(.clinician)
            let created = try await server.send(
                .post, "/api/v1/tokens", as: .admin,
                body: #"{"name": "ward phone", "personID": "\#(clinician.id)", "expiresInDays": 7}"#)
            #expect(created.status == .created)
            let body = try created.json()
            let secret = TokenSecret(presented: try #require(body["secret"] as? String))
            let token = try #require(body["token"] as? [String: Any])
            let id = try #require(token["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/tokens/\(id)")
            #expect(token["scopes"] as? [String] == ["clinician"])
            #expect(token["state"] as? String == "active")

            let me = try await server.send(.get, "/api/v1/me", secret: secret)
            #expect(me.status == .ok)
            #expect((try me.json()["person"] as? [String: Any])?["id"] as? String == clinician.id.rawValue)

            let shown = try await server.send(.get, "/api/v1/tokens/\(id)", as: .clinician)
            #expect(shown.status == .ok)
            #expect(!shown.text.contains(secret.value))
            #expect(try shown.json()["lastUsedAt"] != nil)

            let revoked = try await server.send(.delete, "/api/v1/tokens/\(id)", as: .clinician)
            #expect(revoked.status == .ok)
            #expect(try revoked.string("state") == "revoked")
            let refused = try await server.send(.get, "/api/v1/me", secret: secret)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let failures = try await server.store.auditEvents(AuditEventFilter(action: .authenticationFailed), .first)
            #expect(failures.items.first?.reason == "revoked token")
            #expect(failures.items.first?.actor.tokenID == id)
        }
    }

    @Test func theDatabaseHoldsOnlyTheHashOfASecret() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-hash-\(UUID())")
        let path = directory.appendingPathComponent("vigil.sqlite").path
        let store = try SQLiteStore(path: path)
        let secret = try await withRunningStore(store) { store in
            try await store.migrate()
            return try await Fixtures.enroll(Fixtures.person(.clinician), in: store).secret
        }
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data()
        }
        #expect(!bytes.isEmpty)
        #expect(bytes.range(of: Data(secret.value.utf8)) == nil)
        #expect(bytes.range(of: Data(secret.hash.utf8)) != nil)
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func expiredTokensAndSuspendedPeopleAreRefused() async throws {
        try await TestServer.run { server in
            let nurse = server.cast.person(.clinician)
            let expired = Fixtures.token(for: nurse, expiresAt: Fixtures.now.addingTimeInterval(-1))
            let expiredSecret = TokenSecret.generate()
            try await server.store.createToken(expired, secretHash: expiredSecret.hash, audit: Fixtures.audit())
            #expect(try await server.send(.get, "/api/v1/me", secret: expiredSecret).status == .unauthorized)

            #expect(try await server.send(.get, "/api/v1/me", as: .clinician).status == .ok)
            let suspended = try await server.send(
                .patch, "/api/v1/people/\(nurse.id)", as: .admin, body: #"{"status": "suspended"}"#)
            #expect(suspended.status == .ok)
            #expect(try await server.send(.get, "/api/v1/me", as: .clinician).status == .unauthorized)

            for header in ["", "Basic abc", "Bearer", "Bearer " + String(repeating: "x", count: 300), "Bearer vigil_nope"] {
                let response = try await server.client.executeRequest(
                    uri: "/api/v1/me", method: .get, headers: [.authorization: header], body: nil)
                #expect(response.status == .unauthorized, "\(header.prefix(20))")
            }
            let reasons = try await server.store.auditEvents(
                AuditEventFilter(action: .authenticationFailed), try PageRequest(limit: 50)
            ).items.compactMap(\.reason)
            #expect(Set(reasons) == ["expired token", "owner suspended", "malformed credential", "unknown token"])
        }
    }

    @Test func tokensNeverCarryMoreThanTheirCreatorMayGrant() async throws {
        try await TestServer.run { server in
            let escalation = try await server.send(
                .post, "/api/v1/tokens", as: .clinician, body: #"{"name": "x", "scopes": ["admin"]}"#)
            #expect(escalation.status == .badRequest)
            #expect(try escalation.string("field") == "scopes")

            let forOthers = try await server.send(
                .post, "/api/v1/tokens", as: .clinician,
                body: #"{"name": "x", "personID": "\#(server.cast.person(.patient).id)"}"#)
            #expect(forOthers.status == .forbidden)

            // An administrator's token narrowed to auditor cannot mint an admin token.
            let admin = server.cast.person(.admin)
            let widened = try await server.store.updatePerson(id: admin.id, audit: Fixtures.audit()) {
                $0.roles = [.admin, .auditor]
            }
            let narrow = try await Fixtures.enroll(widened, in: server.store, scopes: [.auditor]).secret
            let minted = try await server.send(
                .post, "/api/v1/tokens", secret: narrow, body: #"{"name": "x", "scopes": ["admin"]}"#)
            #expect(minted.status == .forbidden)  // auditors may not even create their own tokens
            let revokeOther = try await server.send(
                .delete, "/api/v1/tokens/\(server.cast.spareTokens[.patient]!.id)", as: .securityOfficer)
            #expect(revokeOther.status == .forbidden)
            // A refused write is one denial in the trail, not also a failed write.
            let spare = server.cast.spareTokens[.patient]!.id
            let events = try await server.store.auditEvents(
                AuditEventFilter(actorID: server.cast.person(.securityOfficer).id.rawValue), .first
            ).items
            #expect(events.map(\.action) == [.authorizationDenied])
            #expect(events.first?.target == AuditTarget(type: "route", id: "DELETE /api/v1/tokens/\(spare)"))
        }
    }

    @Test func peopleSeeOnlyTheirOwnTokensUnlessTheyMayReadAll() async throws {
        try await TestServer.run { server in
            let own = try await server.send(.get, "/api/v1/tokens", as: .clinician)
            let items = try #require(try own.json()["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["personID"] as? String == server.cast.person(.clinician).id.rawValue })
            let others = try await server.send(
                .get, "/api/v1/tokens?personID=\(server.cast.person(.admin).id)", as: .clinician)
            #expect(others.status == .forbidden)
            let hidden = try await server.send(
                .get, "/api/v1/tokens/\(server.cast.spareTokens[.admin]!.id)", as: .clinician)
            #expect(hidden.status == .notFound)
            // The probe is recorded as a denial, though the caller only sees "not found".
            let probes = try await server.store.auditEvents(
                AuditEventFilter(actorID: server.cast.person(.clinician).id.rawValue, action: .authorizationDenied), .first
            ).items
            #expect(probes.map(\.target) == [.token(server.cast.spareTokens[.admin]!.id), AuditTarget(type: "route", id: "GET /api/v1/tokens")])
            let audited = try await server.send(
                .get, "/api/v1/tokens?personID=\(server.cast.person(.admin).id)", as: .auditor)
            #expect((try audited.json()["items"] as? [Any])?.count == 2)
        }
    }
}
