import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

/// The audit trail is append-only, ordered and searchable on every backend.
@Suite struct AuditConformanceTests {
    @Test(arguments: StoreBackend.available)
    func concurrentAppendsGetGapFreeSequenceNumbers(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask { try await store.appendAuditEvent(Fixtures.audit(AuditAction(rawValue: "test.\(index)"))) }
                }
                try await group.waitForAll()
            }
            let events = try await store.auditEvents(AuditEventFilter(), try PageRequest(limit: 100)).items
            #expect(events.map(\.sequence) == Array((1...24).reversed()))
            #expect(Set(events.map(\.id)).count == 24)
        }
    }

    @Test(arguments: StoreBackend.available)
    func eventsRoundTripWithEveryField(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let draft = AuditEventDraft(
                occurredAt: Fixtures.now, actor: AuditActor(kind: .person, id: "per_x", tokenID: "tok_y"),
                action: "person.update", target: AuditTarget(type: "person", id: "per_z"), outcome: .failure,
                reason: "because", sourceAddress: "10.0.0.7", requestID: "req-1")
            let appended = try await store.appendAuditEvent(draft)
            let read = try await store.auditEvents(AuditEventFilter(), .first).items
            #expect(read == [appended])
            #expect(appended.draft == draft)
        }
    }

    @Test(arguments: StoreBackend.available)
    func searchFiltersByActorTargetActionAndTime(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = Fixtures.now
            let person = AuditTarget(type: "person", id: "per_1")
            try await store.appendAuditEvent(Fixtures.audit("a.one", target: person, actorID: "alice", at: start))
            try await store.appendAuditEvent(
                Fixtures.audit("a.two", target: person, actorID: "bob", at: start.addingTimeInterval(10)))
            try await store.appendAuditEvent(
                Fixtures.audit("a.one", target: nil, actorID: "bob", at: start.addingTimeInterval(20)))
            func actions(_ filter: AuditEventFilter) async throws -> [String] {
                try await store.auditEvents(filter, .first).items.map(\.action.rawValue)
            }
            #expect(try await actions(AuditEventFilter(actorID: "bob")) == ["a.one", "a.two"])
            #expect(try await actions(AuditEventFilter(targetType: "person", targetID: "per_1")) == ["a.two", "a.one"])
            #expect(try await actions(AuditEventFilter(action: "a.one")).count == 2)
            #expect(
                try await actions(
                    AuditEventFilter(from: start.addingTimeInterval(5), until: start.addingTimeInterval(20))) == ["a.two"])
            let firstPage = try await store.auditEvents(AuditEventFilter(), try PageRequest(limit: 2))
            #expect(firstPage.items.map(\.sequence) == [3, 2])
            let secondPage = try await store.auditEvents(
                AuditEventFilter(), try PageRequest(limit: 2, after: firstPage.nextAfter))
            #expect(secondPage.items.map(\.sequence) == [1])
            #expect(secondPage.nextAfter == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theDatabaseRefusesToChangeOrDeleteEvents(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.appendAuditEvent(Fixtures.audit())
            switch store {
            case let sqlite as SQLiteStore:
                #expect(throws: (any Error).self) {
                    try sqlite.pool.write { try $0.execute(sql: "UPDATE audit_events SET action = 'x'") }
                }
                #expect(throws: (any Error).self) {
                    try sqlite.pool.write { try $0.execute(sql: "DELETE FROM audit_events") }
                }
            case let postgres as PostgresStore:
                await #expect(throws: (any Error).self) {
                    try await postgres.client.query("UPDATE audit_events SET action = 'x'")
                }
                await #expect(throws: (any Error).self) {
                    try await postgres.client.query("DELETE FROM audit_events")
                }
                await #expect(throws: (any Error).self) {
                    try await postgres.client.query("TRUNCATE audit_events")
                }
            default:
                Issue.record("unknown backend \(type(of: store))")
            }
            #expect(try await store.auditEvents(AuditEventFilter(), .first).items.map(\.action) == ["test.write"])
        }
    }
}

/// What PostgreSQL alone refuses is translated into a store error the API answers with 400.
@Suite struct PostgresValueTests {
    @Test(.enabled(if: StoreBackend.postgresURL != nil, "needs VIGIL_TEST_POSTGRES_URL"))
    func textWithANulIsAnInvalidValueAndWritesNothing() async throws {
        try await StoreBackend.postgres.withStore { store in
            var facility = Fixtures.facility()
            facility.name = "nul\u{0}byte"
            await #expect(throws: StoreError.invalidValue) {
                try await store.createFacility(facility, audit: Fixtures.audit())
            }
            let events = try await store.auditEvents(AuditEventFilter(), .first).items
            #expect(events.isEmpty)
        }
    }
}
