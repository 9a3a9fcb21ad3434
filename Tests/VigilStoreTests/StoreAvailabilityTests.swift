import Foundation
import GRDB
import Testing
import VigilStore

@Suite struct StoreAvailabilityTests {
    @Test func busyOrFullDatabasesAreUnavailableNotBroken() {
        #expect(StoreError.isUnavailability(DatabaseError(resultCode: .SQLITE_BUSY)))
        #expect(StoreError.isUnavailability(DatabaseError(resultCode: .SQLITE_FULL)))
        #expect(!StoreError.isUnavailability(DatabaseError(resultCode: .SQLITE_CONSTRAINT)))
        #expect(!StoreError.isUnavailability(StoreError.notEmpty))
        #expect(!StoreError.isUnavailability(CocoaError(.fileNoSuchFile)))
    }

    /// The time limit only guards against a hang: how long the pool takes to give up and shut down
    /// depends on the machine's load, so no wall-clock bound is asserted (CI saw 11 s on 2 cores).
    @Test(.timeLimit(.minutes(1)))
    func anUnreachablePostgreSQLTimesOutAsUnavailable() async throws {
        // A port nothing listens on: the pool waits for a connection that never comes.
        let url = try PostgresURL(parsing: "postgres://nobody:x@127.0.0.1:9/none")
        let store = PostgresStore(url: url, poolSize: 1, logger: .init(label: "test"))
        let error = await #expect(throws: StoreError.timedOut) {
            try await withRunningStore(store) { store in
                try await withDeadline(.milliseconds(500)) { try await store.checkReadiness() }
            }
        }
        #expect(error.map(StoreError.isUnavailability) == true)
    }
}
