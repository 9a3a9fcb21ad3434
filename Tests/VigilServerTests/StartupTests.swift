import Foundation
import Logging
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

@testable import VigilServer

/// What `vigil serve` does before serving: bootstrap from `VIGIL_BOOTSTRAP_TOKEN`, the demo.
@Suite struct StartupTests {
    static let chosenToken = "operator-chosen-token-0123456789abcdef"

    @Test(arguments: StoreBackend.available)
    func aChosenBootstrapTokenCreatesTheFirstAdministratorOnce(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend, configure: { $0.bootstrapToken = Self.chosenToken }) { server in
            let me = try await server.send(.get, "/api/v1/me", secret: TokenSecret(presented: Self.chosenToken))
            #expect(me.status == .ok)
            #expect(try me.json()["roles"] as? [String] == ["admin"])
            let events = try await server.store.auditEvents(AuditEventFilter(action: .administratorBootstrapped), .first)
            #expect(events.items.count == 1)
            #expect(events.items.first?.actor == .system("startup"))
        }
    }

    @Test func aShortBootstrapTokenStopsTheStartWithAClearMessage() async throws {
        try await StoreBackend.sqlite.withStore { store in
            var configuration = ServerConfiguration()
            configuration.bootstrapToken = "short"
            let error = await #expect(throws: StartupError.self) {
                try await StartupTasksProbe.run(configuration: configuration, store: store, logger: Logger(label: "test"))
            }
            #expect(error?.description == "VIGIL_BOOTSTRAP_TOKEN must be 32 to 256 characters long")
            let administratorExists = try await store.administratorExists()
            #expect(!administratorExists)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theDemoHospitalLoadsIntoAnEmptyDatabase(_ backend: StoreBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-demo-\(UUID())").path
        let (store, cleanUp) = try backend.makeStore()
        var configuration = ServerConfiguration()
        configuration.loadDemo = true
        configuration.dataDirectory = directory
        try await withRunningStore(store) { [configuration] store in
            let logger = Logger(label: "test")
            try await StartupTasksProbe.run(configuration: configuration, store: store, logger: logger)
            let people = try await store.people(try PageRequest(limit: 200)).items
            let facilities = try await store.facilities(.first).items
            #expect(facilities.count == 2)
            #expect(Set(people.flatMap(\.roles)) == Set(Role.allCases))
            #expect(Set(people.map(\.affiliation)) == Set(Affiliation.allCases))
            let tokenFile = (directory as NSString).appendingPathComponent("demo-admin.token")
            let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let secret = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .newlines)
            let found = try await store.tokenForAuthentication(secretHash: TokenSecret(presented: secret).hash, at: Date())
            #expect(found?.1.roles == [.admin])
            // The BYOD program of hospital.yaml is in force, each write in the audit trail.
            let file = try DemoHospital.file()
            let agreements = try await store.agreements()
            #expect(agreements.map(\.name) == ["acceptable-use", "privacy"])
            #expect(agreements.map(\.version) == [1, 1])
            #expect(agreements.map(\.text) == file.agreements?.map(\.text))
            let settings = try await store.byodSettings()
            #expect(settings.version == 1)
            #expect(settings.byodApproval == file.approvalRules?.byod)
            #expect(settings.patientOwnedApproval == file.approvalRules?.patientOwned)
            let apps = try await store.catalogApps()
            #expect(Set(apps.map(\.id)) == Set(file.apps?.map(\.id) ?? []))
            #expect(apps.allSatisfy { !$0.approvedForPHI && $0.version == 1 })
            for (action, count) in [(AuditAction.agreementPublished, 2), (.byodSettingsUpdated, 1), (.appCreated, 3)] {
                let events = try await store.auditEvents(AuditEventFilter(action: action), .first).items
                #expect(events.count == count, "\(action)")
                #expect(events.allSatisfy { $0.actor == .system("startup") })
            }
            let settingsEvent = try await store.auditEvents(AuditEventFilter(action: .byodSettingsUpdated), .first).items
            #expect(
                settingsEvent.first?.reason?.hasPrefix("demo hospital: version 1: byodApproval.autoApprove false → true") == true,
                "the demo's settings event lists what changed: \(settingsEvent.first?.reason ?? "")")
            // A second start finds data and loads nothing more.
            try await StartupTasksProbe.run(configuration: configuration, store: store, logger: logger)
            #expect(try await store.people(try PageRequest(limit: 200)).items.count == people.count)
            #expect(try await store.agreements().count == agreements.count)
            await cleanUp()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}


/// Runs the start-up tasks on their own, without a server.
enum StartupTasksProbe {
    static func run(configuration: ServerConfiguration, store: any VigilStore, logger: Logger) async throws {
        try await StartupTasks(configuration: configuration, store: store, logger: logger).run()
    }
}
