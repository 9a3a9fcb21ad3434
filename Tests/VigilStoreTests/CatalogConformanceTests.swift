import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The app catalog behaves the same on every backend: every field round-trips, writes are
/// guarded by versions, and every write appends its audit event or nothing at all.
@Suite struct CatalogConformanceTests {
    static func audit(_ action: AuditAction, _ id: String) -> AuditEventDraft {
        Fixtures.audit(action, target: AuditTarget(type: "app", id: id))
    }

    /// An app with every field set: a scope, the PHI flags, and assessments of each area.
    static func fullApp(id: String = "org.mercy.ehr", at time: Date) throws -> CatalogApp {
        var app = try CatalogApp.create(
            id: id,
            from: CatalogAppDraft(
                name: "Mercy EHR", platforms: [.ios, .android], ownerships: [.byod, .patientOwned], handlesPHI: true,
                required: true),
            at: time)
        for area in AssessmentArea.allCases {
            try app.record(
                AppAssessment(
                    area: area, reviewer: "Reviewer of \(area.rawValue)", date: "2026-01-15",
                    notes: "Checked: \(area.rawValue) — «ok» ✓", result: .pass, recordedAt: time),
                at: time)
        }
        try app.setPHIApproval(true, at: time.addingTimeInterval(1))
        return app
    }

    @Test(arguments: StoreBackend.available)
    func appsRoundTripEveryFieldInIDOrderAndAppendTheirEvents(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            #expect(try await store.catalogApps() == [])
            #expect(try await store.catalogApp(id: "org.mercy.ehr") == nil)
            let ehr = try Self.fullApp(at: time)
            let badge = try CatalogApp.create(
                id: "com.acme.badge", from: CatalogAppDraft(name: "Badge", handlesPHI: false), at: time)
            try await store.saveCatalogApp(ehr, replacingVersion: nil, audit: Self.audit(.appCreated, ehr.id))
            try await store.saveCatalogApp(badge, replacingVersion: nil, audit: Self.audit(.appCreated, badge.id))
            #expect(try await store.catalogApps() == [badge, ehr])  // by identifier
            let stored = try #require(try await store.catalogApp(id: ehr.id))
            #expect(stored == ehr)
            #expect(stored.platforms == [.ios, .android] && stored.ownerships == [.byod, .patientOwned])
            #expect(stored.approvedForPHI && stored.required && stored.version == 6)
            #expect(stored.assessments.map(\.area) == AssessmentArea.allCases)
            #expect(stored.assessments.first?.notes == "Checked: operability — «ok» ✓")
            let created = try await store.auditEvents(AuditEventFilter(action: .appCreated), .first).items
            #expect(Set(created.compactMap(\.target?.id)) == [ehr.id, badge.id])

            // A replacement at the stored version replaces every field.
            var changed = stored
            try changed.record(
                AppAssessment(
                    area: .security, reviewer: "Red team", date: "2026-02-01", notes: "Token leak", result: .fail,
                    recordedAt: time),
                at: time.addingTimeInterval(2))
            try changed.replace(with: CatalogAppDraft(name: "Mercy EHR 5", handlesPHI: true), at: time.addingTimeInterval(3))
            try await store.saveCatalogApp(changed, replacingVersion: stored.version, audit: Self.audit(.appAssessed, ehr.id))
            let reread = try #require(try await store.catalogApp(id: ehr.id))
            #expect(reread == changed)
            #expect(!reread.approvedForPHI && reread.platforms.isEmpty && reread.version == 8)
            #expect(reread.updatedAt == time.addingTimeInterval(3) && reread.createdAt == time)
            #expect(try await store.auditEvents(AuditEventFilter(action: .appAssessed), .first).items.count == 1)

            // Removing at the stored version removes it, and the identifier can be added again.
            try await store.removeCatalogApp(id: badge.id, version: 1, audit: Self.audit(.appRemoved, badge.id))
            #expect(try await store.catalogApps() == [reread])
            #expect(try await store.catalogApp(id: badge.id) == nil)
            let removed = try await store.auditEvents(AuditEventFilter(action: .appRemoved), .first).items
            #expect(removed.map(\.target?.id) == [badge.id])
            try await store.saveCatalogApp(badge, replacingVersion: nil, audit: Self.audit(.appCreated, badge.id))
            #expect(try await store.catalogApps() == [badge, reread])
        }
    }

    @Test(arguments: StoreBackend.available)
    func staleTakenOrMissingWritesAreRefusedAndWriteNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let ehr = try Self.fullApp(at: time)
            try await store.saveCatalogApp(ehr, replacingVersion: nil, audit: Self.audit(.appCreated, ehr.id))
            var withdrawn = ehr
            try withdrawn.setPHIApproval(false, at: time.addingTimeInterval(5))
            let newer = withdrawn
            let ghost = try CatalogApp.create(
                id: "org.nowhere.app", from: CatalogAppDraft(name: "Ghost", handlesPHI: true), at: time)
            let size = try await store.ledgerSize()

            let conflicts: [(String, @Sendable () async throws -> Void)] = [
                ("add of a taken identifier", {
                    try await store.saveCatalogApp(newer, replacingVersion: nil, audit: Self.audit(.appCreated, ehr.id))
                }),
                ("replace at a stale version", {
                    try await store.saveCatalogApp(newer, replacingVersion: ehr.version - 1, audit: Self.audit(.appUpdated, ehr.id))
                }),
                ("replace at a version not reached", {
                    try await store.saveCatalogApp(newer, replacingVersion: ehr.version + 1, audit: Self.audit(.appUpdated, ehr.id))
                }),
                ("remove at a stale version", {
                    try await store.removeCatalogApp(id: ehr.id, version: 1, audit: Self.audit(.appRemoved, ehr.id))
                }),
            ]
            for (label, attempt) in conflicts {
                let error = await #expect(throws: StoreError.self, "\(label)") { try await attempt() }
                if let error, case .conflict(let message) = error {
                    #expect(message.contains(ehr.id), "\(label): \(message)")
                } else {
                    Issue.record("\(label): \(String(describing: error)) is no conflict")
                }
                #expect(try await store.catalogApps() == [ehr], "\(label)")
                #expect(try await store.ledgerSize() == size, "\(label)")
            }
            let stale = await #expect(throws: StoreError.self) {
                try await store.saveCatalogApp(newer, replacingVersion: 2, audit: Self.audit(.appUpdated, ehr.id))
            }
            #expect(stale == .conflict("app org.mercy.ehr is at version 6, not 2: someone changed it meanwhile; read it again"))

            let missing: [(String, @Sendable () async throws -> Void)] = [
                ("replace of an app not in the catalog", {
                    try await store.saveCatalogApp(ghost, replacingVersion: 1, audit: Self.audit(.appUpdated, ghost.id))
                }),
                ("remove of an app not in the catalog", {
                    try await store.removeCatalogApp(id: ghost.id, version: 1, audit: Self.audit(.appRemoved, ghost.id))
                }),
            ]
            for (label, attempt) in missing {
                let error = await #expect(throws: StoreError.self, "\(label)") { try await attempt() }
                if let error, case .notFound = error {} else { Issue.record("\(label): \(String(describing: error)) is no notFound") }
                #expect(try await store.catalogApps() == [ehr], "\(label)")
                #expect(try await store.ledgerSize() == size, "\(label)")
            }

            // At the stored version the same writes succeed.
            try await store.saveCatalogApp(newer, replacingVersion: ehr.version, audit: Self.audit(.appPHIApproval, ehr.id))
            #expect(try await store.catalogApp(id: ehr.id) == newer)
            try await store.removeCatalogApp(id: ehr.id, version: newer.version, audit: Self.audit(.appRemoved, ehr.id))
            #expect(try await store.catalogApps().isEmpty)
            #expect(try await store.ledgerSize() == size + 2)
        }
    }
}
