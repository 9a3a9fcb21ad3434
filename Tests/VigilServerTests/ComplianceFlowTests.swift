import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// The story of the compliance issue, over HTTP: a policy is written, a device turns noncompliant
/// and loses its grant, the reasons are explained, the posture is fixed and access comes back.
@Suite struct ComplianceFlowTests {
    static let baseline = #"""
        {"policies": [{"name": "baseline", "requirements": {"jailbreakForbidden": true, "maximumScreenLockSeconds": 300},
          "escalation": [{"afterMinutes": 0, "action": "notify"}, {"afterMinutes": 60, "action": "lock"}]}]}
        """#

    static var rooted: Posture {
        var posture = TestDevice.posture
        posture.jailbroken = true
        return posture
    }

    @Test(arguments: StoreBackend.available)
    func aDeviceLosesItsGrantWhenNoncompliantAndGetsItBackWhenFixed(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let applied = try await server.send(.put, "/api/v1/policies", as: .admin, body: Self.baseline)
            #expect(applied.status == .ok, "\(applied.text)")
            let changes = try #require(try applied.json()["changes"] as? [[String: Any]])
            #expect(changes.first?["change"] as? String == "create" && changes.first?["toVersion"] as? Int == 1)

            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            let good = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(good.compliance == .compliant && good.access.state == .allowed)
            let grant = try #require(good.grant)
            #expect(!grant.emergency && grant.expiresAt > Date())
            #expect(try await server.verify(grant.token)["active"] as? Bool == true)

            let bad = try server.decodeCheckIn(try await device.checkIn(server, Self.rooted))
            #expect(bad.compliance == .noncompliant)
            #expect(bad.access.state == .denied)
            #expect(bad.access.reasons == ["The device does not meet its security policy."])
            #expect(bad.grant == nil)
            let refused = try await server.verify(grant.token)
            #expect(refused["active"] as? Bool == false)
            #expect((refused["reason"] as? [String: Any])?["code"] as? String == "revoked")
            let renewal = try await device.signed(server, "/agent/v1/grant", body: Data("{}".utf8))
            #expect(renewal.status == .ok)
            #expect(try renewal.json()["grant"] == nil)

            let explained = try await server.send(.get, "/api/v1/devices/\(deviceID)/compliance", as: .auditor).json()
            let report = try #require(explained["compliance"] as? [String: Any])
            #expect((report["status"] as? [String: Any])?["state"] as? String == "noncompliant")
            let results = try #require(report["results"] as? [[String: Any]])
            let jailbreak = try #require(results.first { $0["requirement"] as? String == "jailbreakForbidden" })
            #expect(jailbreak["outcome"] as? String == "fail")
            #expect(jailbreak["actual"] as? String == "jailbroken or rooted")
            #expect((jailbreak["policy"] as? [String: Any])?["name"] as? String == "baseline")
            #expect(results.first { $0["requirement"] as? String == "maximumScreenLockSeconds" }?["outcome"] as? String == "pass")
            #expect((explained["access"] as? [String: Any])?["allowed"] as? Bool == false)

            let due = try await server.send(.get, "/api/v1/due-actions?deviceID=\(deviceID)", as: .securityOfficer).json()
            let actions = try #require(due["items"] as? [[String: Any]])
            #expect(actions.map { $0["action"] as? String } == ["notify", "lock"])
            #expect(actions.allSatisfy { $0["state"] as? String == "pending" })

            let fixed = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(fixed.compliance == .compliant && fixed.access.state == .allowed)
            let newGrant = try #require(fixed.grant)
            #expect(try await server.verify(newGrant.token)["active"] as? Bool == true)
            let cancelled = try await server.send(.get, "/api/v1/due-actions?deviceID=\(deviceID)&state=pending", as: .admin)
            #expect((try cancelled.json()["items"] as? [Any])?.isEmpty == true)

            let history = try await server.send(.get, "/api/v1/devices/\(deviceID)/history", as: .auditor).json()
            let reasons = (history["items"] as? [[String: Any]] ?? [])
                .filter { $0["action"] as? String == "device.access_change" }.compactMap { $0["reason"] as? String }
            // The newest three, oldest first: the fleet evaluation the policy started may have recorded
            // the device as not evaluated before its first check-in, or not, depending on timing.
            #expect(
                Array(reasons.prefix(3).reversed()) == [
                    "allowed; compliance compliant",
                    "denied: noncompliant; compliance noncompliant; failing: jailbreakForbidden",
                    "allowed; compliance compliant",
                ])
        }
    }

    @Test func aGracePeriodKeepsAccessWithANoteButNotForWhatExposesPHIAtOnce() async throws {
        try await TestServer.run { server in
            let policy = #"""
                {"requirements": {"jailbreakForbidden": true, "maximumScreenLockSeconds": 30},
                 "gracePeriodMinutes": 60}
                """#
            #expect(try await server.send(.put, "/api/v1/policies/baseline", as: .admin, body: policy).status == .ok)
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            // A screen that locks after 60 s where 30 are required: a grace period.
            let slow = try server.decodeCheckIn(try await device.checkIn(server))
            #expect(slow.compliance == .inGracePeriod)
            #expect(slow.access.state == .allowed)
            #expect(slow.access.notes?.first == "The device fails its policy but is in its grace period.")
            #expect(slow.grant != nil)
            // Rooted besides: no grace for that.
            let rooted = try server.decodeCheckIn(try await device.checkIn(server, Self.rooted))
            #expect(rooted.compliance == .noncompliant)
            #expect(rooted.access.state == .denied && rooted.grant == nil)
        }
    }

    @Test func aPolicyChangeEvaluatesTheFleetInTheBackground() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            #expect(try server.decodeCheckIn(try await device.checkIn(server)).compliance == .compliant)

            let strict = #"{"policies": [{"name": "android-16", "requirements": {"minimumOSVersion": {"android": "16"}}}]}"#
            let dryRun = try await server.send(.put, "/api/v1/policies?dryRun=true", as: .admin, body: strict).json()
            #expect(dryRun["dryRun"] as? Bool == true && dryRun["evaluation"] == nil)
            #expect((try await server.send(.get, "/api/v1/policies", as: .auditor).json()["policies"] as? [Any])?.isEmpty == true)

            let applied = try await server.send(.put, "/api/v1/policies", as: .admin, body: strict).json()
            let job = try #require((applied["evaluation"] as? [String: Any])?["id"] as? String)
            var state = ""
            for _ in 0..<200 where state != "done" {
                let progress = try await server.send(.get, "/api/v1/policy-evaluations/\(job)", as: .auditor).json()
                state = progress["state"] as? String ?? ""
                if state != "done" { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(state == "done")
            #expect(try await server.store.device(id: deviceID)?.compliance == .noncompliant)

            let again = try await server.send(.put, "/api/v1/policies", as: .admin, body: strict).json()
            #expect((again["changes"] as? [Any])?.isEmpty == true, "applying the same set twice changes nothing")
            let removed = try await server.send(.put, "/api/v1/policies", as: .admin, body: #"{"policies": []}"#).json()
            #expect((removed["changes"] as? [[String: Any]])?.first?["change"] as? String == "remove")
        }
    }

    @Test func badPoliciesAreRefusedNamingTheField() async throws {
        try await TestServer.run { server in
            let typo = #"{"policies": [{"name": "a", "requirements": {"maximumPatchAgeDay": 30}}]}"#
            let refused = try await server.send(.put, "/api/v1/policies", as: .admin, body: typo)
            #expect(refused.status == .badRequest)
            #expect(try refused.string("field") == "policies[0].requirements.maximumPatchAgeDay")
            let outOfRange = #"{"policies": [{"name": "a", "requirements": {"maximumPatchAgeDays": -3}}]}"#
            #expect(
                try await server.send(.put, "/api/v1/policies", as: .admin, body: outOfRange).string("field")
                    == "policies[0].requirements.maximumPatchAgeDays")
            let twice = #"{"policies": [{"name": "a", "requirements": {}}, {"name": "a", "requirements": {}}]}"#
            #expect(try await server.send(.put, "/api/v1/policies", as: .admin, body: twice).string("field") == "policies[1].name")
            #expect((try await server.send(.get, "/api/v1/policies", as: .admin).json()["policies"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func emergencyAccessGrantsAFlaggedGrantAndAlertsSecurityOfficers() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.put, "/api/v1/policies", as: .admin, body: Self.baseline).status == .ok)
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let deviceID = try #require(device.deviceID)
            #expect(try server.decodeCheckIn(try await device.checkIn(server, Self.rooted)).access.state == .denied)

            let tooShort = try await device.signed(server, "/agent/v1/emergency", body: Data(#"{"reason":"now"}"#.utf8))
            #expect(tooShort.status == .badRequest)
            let invoked = try await device.signed(
                server, "/agent/v1/emergency", body: Data(#"{"reason":"Code blue on ward 4; chart needed"}"#.utf8))
            #expect(invoked.status == .created, "\(invoked.text)")
            let answer = try VigilJSON.makeDecoder().decode(EmergencyResponse.self, from: Data(buffer: invoked.body))
            #expect(answer.access.state == .allowed)
            let grant = try #require(answer.grant)
            #expect(grant.emergency)
            let verified = try await server.verify(grant.token)
            #expect((verified["claims"] as? [String: Any])?["emergency"] as? Bool == true)
            let second = try await device.signed(
                server, "/agent/v1/emergency", body: Data(#"{"reason":"Another code blue right now"}"#.utf8))
            #expect(second.status == .conflict, "one emergency access at a time")

            let alerts = try await server.send(.get, "/api/v1/emergency-accesses?unreviewed=true", as: .securityOfficer).json()
            let listed = try #require((alerts["items"] as? [[String: Any]])?.first)
            #expect(listed["deviceID"] as? String == deviceID.rawValue)
            #expect(listed["reason"] as? String == "Code blue on ward 4; chart needed")
            let reviewed = try await server.send(
                .post, "/api/v1/emergency-accesses/\(answer.emergencyID)/review", as: .securityOfficer,
                body: #"{"note":"Confirmed with the charge nurse."}"#)
            #expect(reviewed.status == .ok)
            #expect(try await server.send(
                .post, "/api/v1/emergency-accesses/\(answer.emergencyID)/review", as: .securityOfficer,
                body: #"{"note":"again"}"#).status == .badRequest)

            let retired = try await server.send(
                .post, "/api/v1/devices/\(deviceID)/retire", as: .admin,
                body: #"{"disposition":"stolen","custodian":"Security desk"}"#)
            #expect(retired.status == .ok)
            #expect(try await server.verify(grant.token)["active"] as? Bool == false)
        }
    }

    @Test func grantsVerifyOfflineWithThePublishedKeysAcrossARotation() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            let grant = try #require(try server.decodeCheckIn(try await device.checkIn(server)).grant)
            let rotated = try await server.send(.post, "/api/v1/access/keys", as: .securityOfficer, body: #"{"reason":"yearly"}"#)
            #expect(rotated.status == .created)
            let jwks = try await server.client.executeRequest(uri: "/.well-known/jwks.json", method: .get, headers: [:], body: nil)
            #expect(jwks.status == .ok)
            let set = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(buffer: jwks.body))
            #expect(set.keys.count == 2)
            let (_, claims) = try JSONWebToken.verify(grant.token, as: AccessGrantClaims.self, keys: set.publicKeys)
            #expect(claims.device == device.deviceID?.rawValue)
            #expect(claims.sub == server.cast.person(.clinician).id.rawValue)
            #expect(claims.aud == "vigil-phi" && claims.exp - claims.iat == 600)
            #expect(try await server.verify(grant.token)["active"] as? Bool == true)
            #expect((try await server.verify("not.a.grant")["reason"] as? [String: Any])?["code"] as? String == "invalid")
        }
    }
}

extension ComplianceFlowTests {
    @Test func nobodyReviewsTheirOwnEmergencyAndSuspendingAPersonDeniesTheirDevices() async throws {
        try await TestServer.run { server in
            #expect(try await server.send(.put, "/api/v1/policies", as: .admin, body: Self.baseline).status == .ok)
            let officer = server.cast.person(.securityOfficer)
            var device = try await TestDevice.enrolled(server, for: officer)
            let deviceID = try #require(device.deviceID)
            #expect(try server.decodeCheckIn(try await device.checkIn(server, Self.rooted)).access.state == .denied)
            let invoked = try await device.signed(
                server, "/agent/v1/emergency", body: Data(#"{"reason":"Rapid response on ward 4"}"#.utf8))
            let id = try #require(try invoked.string("emergencyID"))
            let own = try await server.send(
                .post, "/api/v1/emergency-accesses/\(id)/review", as: .securityOfficer, body: #"{"note":"fine"}"#)
            #expect(own.status == .badRequest)
            #expect(try own.string("detail")?.contains("another officer") == true, "\(own.text)")
            #expect(try await server.send(
                .post, "/api/v1/emergency-accesses/\(id)/review", as: .admin, body: #"{"note":"checked"}"#).status == .ok)

            let grant = try #require(try server.decodeCheckIn(try await device.checkIn(server)).grant)
            let suspended = try await server.send(
                .patch, "/api/v1/people/\(officer.id)", as: .admin, body: #"{"status":"suspended"}"#)
            #expect(suspended.status == .ok)
            let explained = try await server.send(.get, "/api/v1/devices/\(deviceID)/compliance", as: .admin).json()
            let reasons = ((explained["access"] as? [String: Any])?["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(reasons == ["person_suspended"])
            #expect((try await server.verify(grant.token)["reason"] as? [String: Any])?["code"] as? String == "revoked")
        }
    }

    @Test func aPolicyWrittenAtAStaleVersionIsRefused() async throws {
        try await TestServer.run { server in
            let first = #"{"requirements": {"jailbreakForbidden": true}}"#
            #expect(try await server.send(.put, "/api/v1/policies/baseline", as: .admin, body: first).status == .ok)
            let second = #"{"version": 1, "requirements": {"jailbreakForbidden": true, "storageEncryptionRequired": true}}"#
            #expect(try await server.send(.put, "/api/v1/policies/baseline", as: .admin, body: second).status == .ok)
            let stale = #"{"version": 1, "requirements": {}}"#
            let refused = try await server.send(.put, "/api/v1/policies/baseline", as: .admin, body: stale)
            #expect(refused.status == .conflict, "\(refused.text)")
            let policy = try await server.send(.get, "/api/v1/policies/baseline", as: .auditor).json()
            #expect(policy["version"] as? Int == 2)
            #expect((policy["requirements"] as? [String: Any])?["storageEncryptionRequired"] as? Bool == true)
        }
    }

    @Test func aKeyPublishedInTheDatabaseAloneIsNeverTrusted() async throws {
        try await TestServer.run { server in
            var device = try await TestDevice.enrolled(server, for: server.cast.person(.clinician))
            _ = try #require(try server.decodeCheckIn(try await device.checkIn(server)).grant)
            // Someone with the database publishes a key of their own; its private half is theirs.
            let forged = Ed25519SigningKey()
            try await server.store.addGrantKey(
                forged.publicKey, at: Date(),
                audit: AuditEventDraft(occurredAt: Date(), actor: .system("attacker"), action: .grantKeyRotated,
                    target: nil, outcome: .success))
            let claims = try AccessGrantClaims(
                issuer: "http://attacker", person: server.cast.person(.clinician).id.rawValue, audience: "vigil-phi",
                device: try #require(device.deviceID).rawValue, facility: nil, scope: "phi.read", at: Date(), lifetime: 600)
            let token = try JSONWebToken.sign(claims, with: forged)
            #expect((try await server.verify(token)["reason"] as? [String: Any])?["code"] as? String == "invalid")
            let jwks = try await server.client.executeRequest(uri: "/.well-known/jwks.json", method: .get, headers: [:], body: nil)
            let set = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(buffer: jwks.body))
            #expect(!set.keys.contains { $0.kid == forged.publicKey.id })
        }
    }
}

extension TestServer {
    /// Asks the server whether a grant is good, as a PHI service would.
    func verify(_ token: String) async throws -> [String: Any] {
        let response = try await send(.post, "/api/v1/access/verify", as: .clinician, body: #"{"grant":"\#(token)"}"#)
        #expect(response.status == .ok, "\(response.text)")
        return try response.json()
    }
}
