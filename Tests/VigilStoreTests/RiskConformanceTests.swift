import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// Daily risk snapshots behave the same on every backend.
@Suite struct RiskConformanceTests {
    static func snapshot(_ day: String, devices: Int, critical: Int = 0) -> RiskSnapshot {
        RiskSnapshot(
            day: day, devices: devices, meanScore: Double(devices) / 4,
            bands: RiskBandCounts(low: devices - critical, moderate: 0, high: 0, critical: critical))
    }

    @Test(arguments: StoreBackend.available)
    func snapshotsRoundTripOldestFirstWithinTheirDays(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            #expect(try await store.riskSnapshots(from: "2026-01-01", through: "2026-12-31") == [])
            let days = ["2026-11-03", "2026-10-30", "2026-11-01", "2026-11-02", "2025-12-31"]
            for (index, day) in days.enumerated() {
                try await store.recordRiskSnapshot(Self.snapshot(day, devices: index + 1, critical: index), at: time)
            }
            #expect(
                try await store.riskSnapshots(from: "2026-01-01", through: "2026-12-31").map(\.day)
                    == ["2026-10-30", "2026-11-01", "2026-11-02", "2026-11-03"])
            let bounded = try await store.riskSnapshots(from: "2026-11-01", through: "2026-11-02")
            #expect(
                bounded == [
                    Self.snapshot("2026-11-01", devices: 3, critical: 2), Self.snapshot("2026-11-02", devices: 4, critical: 3),
                ])
            #expect(try await store.riskSnapshots(from: "2026-11-04", through: "2026-11-30") == [])
            #expect(try await store.riskSnapshots(from: "2026-11-03", through: "2026-11-01") == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aDayRecordedAgainIsReplacedAndNoAuditEventIsWritten(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let time = Fixtures.now
            let size = try await store.ledgerSize()
            try await store.recordRiskSnapshot(Self.snapshot("2026-11-20", devices: 10), at: time)
            let later = RiskSnapshot(
                day: "2026-11-20", devices: 12, meanScore: 41.7,
                bands: RiskBandCounts(low: 3, moderate: 4, high: 3, critical: 2))
            try await store.recordRiskSnapshot(later, at: time.addingTimeInterval(3_600))
            #expect(try await store.riskSnapshots(from: "2026-11-20", through: "2026-11-20") == [later])
            #expect(try await store.ledgerSize() == size)
        }
    }
}
