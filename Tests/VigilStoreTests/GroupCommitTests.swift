import NIOConcurrencyHelpers
import Testing
import VigilStore

/// The group commit answers every caller after its batch, and retries item by item only when
/// one item is to blame.
@Suite struct GroupCommitTests {
    /// Submits 0..<count at once and returns which succeeded and how many writes were made.
    static func run(count: Int, failing: @escaping @Sendable ([Int]) -> StoreError?) async -> (ok: Set<Int>, writes: Int) {
        let writes = NIOLockedValueBox(0)
        let commit = GroupCommit<Int, Int>(maximumBatch: 1_000) { items in
            writes.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(5))
            if let error = failing(items) { throw error }
            return items
        }
        let ok = await withTaskGroup(of: Int?.self) { group in
            for item in 0..<count { group.addTask { try? await commit.submit(item) } }
            return await group.reduce(into: Set<Int>()) { if let item = $1 { $0.insert(item) } }
        }
        return (ok, writes.withLockedValue { $0 })
    }

    @Test func everyCallerGetsItsOwnAnswerInFewWrites() async {
        let (ok, writes) = await Self.run(count: 200) { _ in nil }
        #expect(ok == Set(0..<200))
        #expect(writes < 200)
    }

    @Test func aConflictingItemFailsAloneAfterItsBatchIsRetriedItemByItem() async {
        let (ok, _) = await Self.run(count: 50) { items in items.contains(7) ? .conflict("duplicate") : nil }
        #expect(ok == Set(0..<50).subtracting([7]))
    }

    @Test func aDatabaseErrorFailsTheBatchWithoutRetrying() async {
        let (ok, writes) = await Self.run(count: 50) { _ in .timedOut }
        #expect(ok.isEmpty)
        #expect(writes < 50)
    }
}
