import Testing
import VigilCore

@Suite struct PageAndPermissionTests {
    @Test func pagesCutTheExtraItemAndPointPastTheLast() throws {
        let request = try PageRequest(limit: 2)
        let full = Page(fetched: ["a", "b", "c"], request: request) { $0 }
        #expect(full.items == ["a", "b"])
        #expect(full.nextAfter == "b")
        let last = Page(fetched: ["d"], request: request) { $0 }
        #expect(last.nextAfter == nil)
        #expect(throws: ValidationError.self) { try PageRequest(limit: 0) }
        #expect(throws: ValidationError.self) { try PageRequest(limit: 201) }
    }

    @Test func auditorsOnlyRead() {
        let auditorPermissions = Permission.allCases.filter { $0.isGranted(to: [.auditor]) }
        #expect(Set(auditorPermissions) == [
            .readSelf, .readPeople, .readFacilities, .readAllTokens, .readAuditEvents, .readLedger, .readDevices,
            .readPolicies, .readAccess, .readCommands,
        ])
    }

    @Test func onlyAdministratorsWrite() {
        for permission in [Permission.writePeople, .writeFacilities, .manageAllTokens, .writeDevices, .writePolicies] {
            #expect(permission.grantedRoles == [.admin])
        }
    }

    @Test func patientsSeeOnlyThemselvesAndTheirTokensAndAcceptTheirAgreements() {
        let granted = Permission.allCases.filter { $0.isGranted(to: [.patient]) }
        #expect(Set(granted) == [.readSelf, .manageOwnTokens, .acceptAgreements])
    }
}
