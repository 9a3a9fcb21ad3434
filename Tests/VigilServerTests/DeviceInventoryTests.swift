import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The inventory over HTTP: filters, order, pages and the CSV export.
@Suite struct DeviceInventoryTests {
    @Test(arguments: StoreBackend.available)
    func filtersSortPagesAndExports(_ backend: StoreBackend) async throws {
        try await TestServer.run(backend) { server in
            let nurse = server.cast.person(.clinician)
            let patient = server.cast.person(.patient)
            let (corporate, _) = try await Fixtures.enrollDevice(for: nurse, in: server.store)
            let (personal, _) = try await Fixtures.enrollDevice(for: nurse, ownership: .byod, in: server.store)
            let (pump, _) = try await Fixtures.enrollDevice(
                for: patient, ownership: .patientIssued, deviceClass: .medicalDevice, hardwareID: "=HYPERLINK(\"x\")",
                in: server.store)
            _ = try await server.store.recordCheckIns([
                DeviceCheckIn(deviceID: personal.id, posture: Fixtures.posture(), at: Fixtures.now)
            ])

            func ids(_ query: String) async throws -> [String] {
                let response = try await server.send(.get, "/api/v1/devices\(query)", as: .securityOfficer)
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (try response.json()["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
            #expect(try await ids("") == [corporate, personal, pump].map(\.id.rawValue))
            #expect(try await ids("?ownership=byod") == [personal.id.rawValue])
            #expect(try await ids("?deviceClass=medical_device&personID=\(patient.id)") == [pump.id.rawValue])
            #expect(try await ids("?approval=pending&status=active") == [personal.id.rawValue])
            #expect(try await ids("?sort=-lastSeenAt").first == personal.id.rawValue)
            #expect(try await ids("?lastSeenSince=2020-01-01T00:00:00Z") == [personal.id.rawValue])
            #expect(try await ids("?compliance=noncompliant").isEmpty)

            let first = try await server.send(.get, "/api/v1/devices?limit=2&sort=-enrolledAt", as: .auditor)
            let cursor = try #require(try first.string("nextCursor"))
            #expect(try await ids("?limit=2&sort=-enrolledAt&cursor=\(cursor)") == [corporate.id.rawValue])
            let mixed = try await server.send(.get, "/api/v1/devices?sort=lastSeenAt&cursor=\(cursor)", as: .auditor)
            #expect(mixed.status == .badRequest, "a cursor of another order is refused")
            let byOwnership = try await server.send(.get, "/api/v1/devices?limit=1&sort=ownership", as: .auditor)
            let ownershipCursor = try #require(try byOwnership.string("nextCursor"))
            for other in ["platform", "-ownership", "personID"] {
                let reused = try await server.send(
                    .get, "/api/v1/devices?limit=1&sort=\(other)&cursor=\(ownershipCursor)", as: .auditor)
                #expect(reused.status == .badRequest, "an ownership cursor with sort=\(other)")
            }

            for bad in ["?ownership=leased", "?personID=nobody", "?sort=name", "?lastSeenBefore=yesterday", "?colour=red"] {
                let response = try await server.send(.get, "/api/v1/devices\(bad)", as: .admin)
                #expect(response.status == .badRequest, "\(bad)")
            }

            let csv = try await server.send(.get, "/api/v1/devices.csv?ownership=patient_issued", as: .auditor)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("id,personID,facilityID,ownership,deviceClass,medicalKind,platform"))
            #expect(lines[1].contains(#""'=HYPERLINK(""x"")""#), "a formula is defused and quoted: \(lines[1])")
            #expect(lines[1].contains(",patient_issued,medical_device,cpap,ios,"))
            let refused = try await server.send(.get, "/api/v1/devices.csv?limit=5", as: .admin)
            #expect(refused.status == .badRequest)
        }
    }
}
