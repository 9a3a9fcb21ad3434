import Foundation
import Testing
import VigilAgent
import VigilCore

/// `AgentClient.reportLocation`: signed on the session like every request, checked before it is sent.
@Suite struct AgentClientLocationTests {
    /// The fake server, plus the location route: it checks the signature with the session key the
    /// fake server holds and answers with the place of the fixes it received.
    actor LocationServer: AgentTransport {
        let base: FakeAgentServer
        private(set) var reports: [LocationReportRequest] = []

        init(base: FakeAgentServer) { self.base = base }

        func send(_ request: AgentHTTPRequest) async throws -> AgentHTTPResponse {
            guard request.url.path == "\(AgentProtocol.basePath)/location" else { return try await base.send(request) }
            guard let header = request.headers["Authorization"], let signature = RequestSignature(header: header),
                let key = await base.sessionKey(signature.sessionID),
                signature.isValid(method: "POST", target: FakeAgentServer.target(of: request), body: request.body, key: key)
            else { return AgentHTTPResponse(status: 401, headers: [:], body: Data()) }
            let report = try VigilJSON.makeDecoder().decode(LocationReportRequest.self, from: request.body)
            reports.append(report)
            let place = PersonPlace(state: .inside, since: report.fixes[0].recordedAt, facilityID: FacilityID(rawValue: "fac_1"))
            let answer = LocationReportResponse(
                accepted: report.fixes.count, ignored: 0, place: PlaceStatus(person: place, device: nil),
                access: AccessStatus(state: .allowed, reasons: []), grant: nil, serverTime: Date())
            return AgentHTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"], body: try VigilJSON.makeEncoder().encode(answer))
        }
    }

    static func fix(latitude: Double = 41.88, longitude: Double = -87.63, accuracy: Double = 10) -> LocationFix {
        LocationFix(
            latitude: latitude, longitude: longitude, accuracyMeters: accuracy, recordedAt: Date(timeIntervalSince1970: 1_800_000_000.1234),
            source: .gps)
    }

    static func enrolled() async throws -> (AgentClient, LocationServer, AgentStateStore) {
        let server = LocationServer(base: FakeAgentServer())
        let store = AgentStateStore.temporary()
        let (client, _) = try await AgentClient.enroll(
            serverURL: FakeAgentServer.url, code: FakeAgentServer.code, facts: AgentClientTests.facts, store: store,
            transport: server)
        return (client, server, store)
    }

    @Test func aReportIsSignedAndCarriesTheFixesToTheMillisecond() async throws {
        let (client, server, store) = try await Self.enrolled()
        defer { store.removeAll() }
        let answer = try await client.reportLocation([Self.fix(), Self.fix(latitude: 41.881)])
        #expect(answer.place.person == .inside && answer.place.facilityID?.rawValue == "fac_1")
        #expect(answer.access.state == .allowed && answer.accepted == 2)
        let sent = try #require(await server.reports.first)
        #expect(sent.fixes.map(\.latitude) == [41.88, 41.881])
        #expect(sent.fixes[0].recordedAt == Date(timeIntervalSince1970: 1_800_000_000.123))
        // A second report rides on the same session.
        _ = try await client.reportLocation([Self.fix()])
        #expect(await server.reports.count == 2)
        #expect(await server.base.sessionsOpened == 1)
    }

    @Test(arguments: [
        (AgentClientLocationTests.fix(latitude: 91), "fixes[0].latitude"),
        (AgentClientLocationTests.fix(longitude: -180.5), "fixes[0].longitude"),
        (AgentClientLocationTests.fix(accuracy: -1), "fixes[0].accuracyMeters"),
        (AgentClientLocationTests.fix(latitude: .nan), "fixes[0].latitude"),
    ])
    func aFixOutOfRangeIsRefusedBeforeSending(_ fix: LocationFix, field: String) async throws {
        let (client, server, store) = try await Self.enrolled()
        defer { store.removeAll() }
        let error = await #expect(throws: ValidationError.self) { try await client.reportLocation([fix]) }
        #expect(error?.field == field)
        #expect(await server.reports.isEmpty)
    }

    @Test func aReportMustHoldOneToAHundredFixes() async throws {
        let (client, server, store) = try await Self.enrolled()
        defer { store.removeAll() }
        await #expect(throws: ValidationError.self) { try await client.reportLocation([]) }
        await #expect(throws: ValidationError.self) { try await client.reportLocation(Array(repeating: Self.fix(), count: 101)) }
        _ = try await client.reportLocation(Array(repeating: Self.fix(), count: 100))
        #expect(await server.reports.map(\.fixes.count) == [100])
    }
}
