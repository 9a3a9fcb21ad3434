import Foundation
import HTTPTypes
import Hummingbird
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// Walks every `/api/v1` route with every role and checks it against a table of what is allowed,
/// written here independently of the server's own permission table.
@Suite struct AuthorizationMatrixTests {
    /// The expected matrix: for each route, the roles that may call it.
    static let allowed: [String: Set<Role>] = [
        "GET /api/v1/me": Set(Role.allCases),
        "GET /api/v1/people": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/people": [.admin],
        "GET /api/v1/people/{id}": [.admin, .securityOfficer, .auditor],
        "PATCH /api/v1/people/{id}": [.admin],
        "GET /api/v1/facilities": [.admin, .securityOfficer, .auditor, .nurseManager, .clinician],
        "POST /api/v1/facilities": [.admin],
        "GET /api/v1/facilities/{id}": [.admin, .securityOfficer, .auditor, .nurseManager, .clinician],
        "PATCH /api/v1/facilities/{id}": [.admin],
        "GET /api/v1/tokens": Set(Role.allCases),
        "POST /api/v1/tokens": [.admin, .securityOfficer, .nurseManager, .clinician, .patient],
        "GET /api/v1/tokens/{id}": Set(Role.allCases),
        "DELETE /api/v1/tokens/{id}": [.admin, .securityOfficer, .nurseManager, .clinician, .patient],
        "GET /api/v1/audit-events": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/ledger/head": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/ledger/keys": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/ledger/proofs/inclusion": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/ledger/proofs/consistency": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/ledger/export": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/enrollment-invitations": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/enrollment-invitations": [.admin],
        "GET /api/v1/enrollment-invitations/{id}": [.admin, .securityOfficer, .auditor],
        "DELETE /api/v1/enrollment-invitations/{id}": [.admin],
        "GET /api/v1/devices": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices.csv": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices/{id}": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices/{id}/postures": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices/{id}/history": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/devices/{id}/approve": [.admin],
        "POST /api/v1/devices/{id}/deny": [.admin],
        "POST /api/v1/devices/{id}/retire": [.admin],
        "GET /api/v1/devices/{id}/compliance": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices/{id}/risk": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/risk/report": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/devices/{id}/grants/revoke": [.admin, .securityOfficer],
        "GET /api/v1/due-actions": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/policies": [.admin, .securityOfficer, .auditor],
        "PUT /api/v1/policies": [.admin],
        "GET /api/v1/policies/{name}": [.admin, .securityOfficer, .auditor],
        "PUT /api/v1/policies/{name}": [.admin],
        "DELETE /api/v1/policies/{name}": [.admin],
        "GET /api/v1/policy-evaluations": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/policy-evaluations": [.admin],
        "GET /api/v1/policy-evaluations/{id}": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/access/verify": [.admin, .securityOfficer, .nurseManager, .clinician],
        "GET /api/v1/access/keys": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/access/keys": [.admin, .securityOfficer],
        "GET /api/v1/emergency-accesses": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/emergency-accesses/{id}": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/emergency-accesses/{id}/review": [.admin, .securityOfficer],
        "GET /api/v1/agreements": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/agreements": [.admin],
        "GET /api/v1/agreements/{id}": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/agreements/{id}/pending": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/agreements/{id}/acceptances": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/agreements/{id}/acceptances": [.admin, .securityOfficer, .nurseManager, .clinician, .patient],
        "GET /api/v1/me/agreements": [.admin, .securityOfficer, .nurseManager, .clinician, .patient],
        "GET /api/v1/byod/settings": [.admin, .securityOfficer, .auditor],
        "PUT /api/v1/byod/settings": [.admin],
        "GET /api/v1/apps": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/apps/{id}": [.admin, .securityOfficer, .auditor],
        "PUT /api/v1/apps/{id}": [.admin],
        "DELETE /api/v1/apps/{id}": [.admin],
        "POST /api/v1/apps/{id}/assessments": [.admin, .securityOfficer],
        "POST /api/v1/apps/{id}/phi-approval": [.admin, .securityOfficer],
        "GET /api/v1/fences": [.admin, .securityOfficer, .auditor, .nurseManager, .clinician],
        "GET /api/v1/fences/{id}": [.admin, .securityOfficer, .auditor, .nurseManager, .clinician],
        "PUT /api/v1/fences/{id}": [.admin],
        "DELETE /api/v1/fences/{id}": [.admin],
        "GET /api/v1/facilities/{id}/fences": [.admin, .securityOfficer, .auditor, .nurseManager, .clinician],
        "POST /api/v1/facilities/{id}/fences": [.admin],
        "GET /api/v1/shifts": [.admin, .securityOfficer, .nurseManager],
        "POST /api/v1/shifts": [.admin, .nurseManager],
        "GET /api/v1/shifts/{id}": [.admin, .securityOfficer, .nurseManager],
        "DELETE /api/v1/shifts/{id}": [.admin, .nurseManager],
        "GET /api/v1/visits": [.admin, .securityOfficer, .nurseManager],
        "POST /api/v1/visits": [.admin, .nurseManager],
        "GET /api/v1/visits/{id}": [.admin, .securityOfficer, .nurseManager],
        "POST /api/v1/visits/{id}/cancel": [.admin, .nurseManager],
        "GET /api/v1/devices/{id}/place": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/devices/{id}/location-fixes": [.admin, .securityOfficer],
        "POST /api/v1/devices/{id}/commands": [.admin, .securityOfficer],
        "GET /api/v1/devices/{id}/commands": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/commands": [.admin, .securityOfficer, .auditor],
        "GET /api/v1/commands/{id}": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/commands/{id}/cancel": [.admin, .securityOfficer],
        "POST /api/v1/commands/{id}/approve": [.admin, .securityOfficer],
        "POST /api/v1/command-batches": [.admin, .securityOfficer],
        "GET /api/v1/command-batches/{id}": [.admin, .securityOfficer, .auditor],
        "POST /api/v1/devices/{id}/loss": [.admin, .securityOfficer],
        "POST /api/v1/me/devices/{id}/loss": Set(Role.allCases),
    ]

    @Test func theTableCoversEveryAPIRoute() throws {
        let router = buildRouter(
            configuration: ServerConfiguration(), store: try StoreBackend.sqlite.makeStore().store,
            registry: .init())
        let registered = Set(
            router.routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains(" /api/") })
        #expect(registered == Set(Self.allowed.keys))
    }

    @Test(arguments: StoreBackend.available)
    func everyRoleGetsExactlyWhatTheTableAllows(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            var denials = 0
            for (route, roles) in Self.allowed.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ")
                let method = HTTPRequest.Method(rawValue: String(parts[0]))!
                for role in Role.allCases {
                    let uri = Self.concrete(String(parts[1]), for: role, cast: server.cast)
                    let response = try await server.send(method, uri, as: role, body: method == .get ? nil : "{}")
                    if roles.contains(role) {
                        #expect(response.status != .forbidden && response.status != .unauthorized, "\(route) as \(role)")
                    } else {
                        #expect(response.status == .forbidden, "\(route) as \(role): \(response.status)")
                        denials += 1
                    }
                }
                let anonymous = try await server.send(method, Self.concrete(String(parts[1]), for: .admin, cast: server.cast))
                #expect(anonymous.status == .unauthorized, "\(route) without a token")
            }
            var recorded = 0
            var page = try PageRequest(limit: 200)
            while true {
                let events = try await server.store.auditEvents(AuditEventFilter(action: .authorizationDenied), page)
                recorded += events.items.count
                guard let next = events.nextAfter else { break }
                page = try PageRequest(limit: 200, after: next)
            }
            #expect(recorded == denials)
        }
    }

    @Test func auditorsHoldNoWritePermission() {
        let writes = Permission.allCases.filter { $0.rawValue.hasSuffix(".write") || $0 == .manageOwnTokens }
        for permission in writes {
            #expect(!permission.isGranted(to: [.auditor]), "\(permission)")
        }
    }

    /// The route with its `{id}` filled by a record the role may address.
    static func concrete(_ path: String, for role: Role, cast: Cast) -> String {
        let id: String
        if path.hasPrefix("/api/v1/people") {
            id = cast.person(.clinician).id.rawValue
        } else if path.hasPrefix("/api/v1/facilities") {
            id = cast.facility.id.rawValue
        } else if path.hasPrefix("/api/v1/devices") {
            id = "dev_01JD3V6Q8R0000000000000000"
        } else if path.hasPrefix("/api/v1/enrollment-invitations") {
            id = "inv_01JD3V6Q8R0000000000000000"
        } else {
            id = cast.spareTokens[role]!.id.rawValue
        }
        return path.replacingOccurrences(of: "{id}", with: id)
    }
}
