import Testing
import VigilTestSupport

/// Says plainly whether the PostgreSQL half of the conformance suite ran.
@Suite struct PostgresAvailabilityTests {
    @Test(
        "PostgreSQL conformance suite runs (needs VIGIL_TEST_POSTGRES_URL)",
        .enabled(if: StoreBackend.postgresURL != nil, "skipped: VIGIL_TEST_POSTGRES_URL is not set"))
    func postgresIsAvailable() {
        #expect(StoreBackend.available.contains(.postgres))
    }

    @Test("CI requires the PostgreSQL suite", .enabled(if: StoreBackend.postgresRequired))
    func postgresIsRequiredInCI() {
        #expect(StoreBackend.postgresURL != nil, "VIGIL_REQUIRE_POSTGRES_TESTS=1 but VIGIL_TEST_POSTGRES_URL is unset")
    }
}
