import Foundation
import HTTPTypes
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// Liveness, readiness, metrics, request IDs, 404 and 405.
@Suite struct OperationsTests {
    @Test(arguments: StoreBackend.available)
    func healthAndReadiness(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let health = try await server.send(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(try health.string("status") == "ok")
            let ready = try await server.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.string("status") == "ready")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        try await TestServer.run { server in
            try await server.send(.get, "/api/v1/me", as: .clinician)
            try await server.send(.get, "/api/v1/people", as: .clinician)
            let metrics = try await server.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"vigil_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1"#))
            #expect(text.contains(#"vigil_http_requests_total{method="GET",route="/api/v1/people",status="403"} 1"#))
            #expect(text.contains("vigil_http_request_duration_seconds_bucket"))
        }
    }

    @Test func everyResponseCarriesARequestIDThatTheAuditTrailRecords() async throws {
        try await TestServer.run { server in
            let denied = try await server.send(.post, "/api/v1/facilities", as: .auditor, body: "{}")
            #expect(denied.status == .forbidden)
            let requestID = try #require(denied.headers[.init("X-Request-ID")!])
            #expect(try denied.string("requestID") == requestID)
            let events = try await server.store.auditEvents(AuditEventFilter(action: .authorizationDenied), .first).items
            #expect(events.first?.requestID == requestID)
            #expect(events.first?.actor.id == server.cast.person(.auditor).id.rawValue)
            #expect(events.first?.target == AuditTarget(type: "route", id: "POST /api/v1/facilities"))
        }
    }

    @Test func unknownPathsAre404AndWrongMethods405() async throws {
        try await TestServer.run { server in
            let missing = try await server.send(.get, "/api/v1/nothing-here", as: .admin)
            #expect(missing.status == .notFound)
            #expect(try missing.string("type") == "urn:vigil:problem:not-found")
            let wrongMethod = try await server.send(.put, "/api/v1/people", as: .admin, body: "{}")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, POST")
            let wrongOnItem = try await server.send(.delete, "/api/v1/people/per_x", as: .admin)
            #expect(wrongOnItem.headers[.allow] == "GET, PATCH")
            let missingRecord = try await server.send(.get, "/api/v1/people/per_nobody", as: .admin)
            #expect(missingRecord.status == .notFound)
        }
    }
}

/// Errors become the problems the API documents.
@Suite struct ProblemMappingTests {
    @Test func aDatabaseThatDoesNotAnswerIs503WithRetryAfter() throws {
        let problem = try #require(Problem(answering: StoreError.timedOut))
        #expect(problem.status == .serviceUnavailable)
        #expect(problem.headers[.retryAfter] == "5")
        #expect(problem.auditReason == "503 unavailable")
    }

    @Test func domainErrorsAreClientErrorsAndUnknownOnesAreNot() throws {
        #expect(Problem(answering: ValidationError(field: "name", message: "must not be empty"))?.field == "name")
        #expect(Problem(answering: StoreError.lastAdministrator)?.status == .conflict)
        #expect(Problem(answering: StoreError.invalidValue)?.status == .badRequest)
        struct Unexpected: Error {}
        #expect(Problem(answering: Unexpected()) == nil)
    }
}
