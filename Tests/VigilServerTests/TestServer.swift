import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// A person of each role with a token, plus records to point routes at.
struct Cast: Sendable {
    var people: [Role: Person] = [:]
    var secrets: [Role: TokenSecret] = [:]
    /// A second token per role, for routes that revoke or show a token.
    var spareTokens: [Role: APIToken] = [:]
    var facility: Facility

    /// Stores the cast in `store`.
    static func make(in store: any VigilStore) async throws -> Cast {
        let facility = Fixtures.facility()
        try await store.createFacility(facility, audit: Fixtures.audit())
        var cast = Cast(facility: facility)
        for role in Role.allCases {
            let person = Fixtures.person(role, facilities: [facility.id])
            cast.people[role] = person
            cast.secrets[role] = try await Fixtures.enroll(person, in: store).secret
            cast.spareTokens[role] = try await Fixtures.enroll(person, in: store).token
        }
        return cast
    }

    func secret(_ role: Role) -> TokenSecret { secrets[role]! }
    func person(_ role: Role) -> Person { people[role]! }
}

/// The application under test, reached through its real router.
struct TestServer: Sendable {
    let client: any TestClientProtocol
    let store: any VigilStore
    let cast: Cast
    /// The server's data directory (its ledger key files live there).
    let dataDirectory: String

    /// Runs `body` against a fresh application on a fresh store of `backend`, with a cast.
    static func run(
        _ backend: StoreBackend = .sqlite, setup: TestingSetup = .router,
        configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        let (store, cleanUp) = try backend.makeStore()
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.maximumBodySize = 8 * 1024
        configuration.dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-server-test-\(UUID().uuidString)").path
        configure(&configuration)
        let dataDirectory = configuration.dataDirectory
        var logger = Logger(label: "vigil.test")
        logger.logLevel = .warning
        let application = buildApplication(configuration: configuration, store: store, logger: logger)
        try await application.test(setup) { client in
            do {
                let cast = try await Cast.make(in: store)
                try await body(
                    TestServer(client: client, store: store, cast: cast, dataDirectory: dataDirectory))
            } catch {
                await cleanUp()
                throw error
            }
            await cleanUp()
        }
    }

    /// Sends a request.
    /// - Parameters:
    ///   - method: The method.
    ///   - uri: The path and query.
    ///   - role: Whose token to send; none when `nil`.
    ///   - secret: A token to send instead of a role's.
    ///   - body: A raw body, sent as JSON unless `contentType` says otherwise.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as role: Role? = nil, secret: TokenSecret? = nil,
        body: String? = nil, contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token = secret ?? role.map(cast.secret) {
            headers[.authorization] = "Bearer \(token.value)"
        }
        if body != nil { headers[.contentType] = contentType }
        return try await client.executeRequest(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return try #require(object as? [String: Any], "body is not a JSON object: \(text)")
    }

    /// A string field of the JSON body.
    func string(_ key: String) throws -> String? { try json()[key] as? String }
}

/// Counts of what the store holds, to prove that a refused request wrote nothing.
struct StoreCounts: Equatable {
    let people: Int
    let facilities: Int
    let tokens: Int
    let successfulAuditEvents: Int

    static func of(_ store: any VigilStore) async throws -> StoreCounts {
        let all = try PageRequest(limit: PageRequest.maximumLimit)
        var events: [AuditEvent] = []
        var page = all
        while true {
            let read = try await store.auditEvents(AuditEventFilter(), page)
            events += read.items
            guard let next = read.nextAfter else { break }
            page = try PageRequest(limit: PageRequest.maximumLimit, after: next)
        }
        return StoreCounts(
            people: try await store.people(all).items.count,
            facilities: try await store.facilities(all).items.count,
            tokens: try await store.tokens(ownerID: nil, all).items.count,
            successfulAuditEvents: events.filter { $0.outcome == .success }.count)
    }
}
