import NIOConcurrencyHelpers

/// Group commit: items that arrive while a batch is being written wait and are written together
/// in the next batch, so that a thousand concurrent writers cost a few transactions instead of a
/// thousand. Every caller is answered only after the batch holding its item was written.
public final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    typealias Waiter = CheckedContinuation<Output, any Error>

    struct State {
        var pending: [(Item, Waiter)] = []
        var flushing = false
    }

    private let maximumBatch: Int
    private let write: @Sendable ([Item]) async throws -> [Output]
    private let state = NIOLockedValueBox(State())

    /// Makes a group commit.
    /// - Parameters:
    ///   - maximumBatch: The most items written at once.
    ///   - write: Writes a batch in one transaction and returns one output per item, in order.
    public init(maximumBatch: Int, write: @escaping @Sendable ([Item]) async throws -> [Output]) {
        self.maximumBatch = maximumBatch
        self.write = write
    }

    /// Writes `item` with the others that arrive meanwhile.
    /// - Returns: The item's output, once its batch is written.
    /// - Throws: The batch's error, for every item of a batch that failed.
    public func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let startFlushing = state.withLockedValue { state -> Bool in
                state.pending.append((item, waiter))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if startFlushing {
                Task { await self.flush() }
            }
        }
    }

    /// Writes one batch and, when it commits, answers its callers.
    /// - Returns: The error, when the batch failed and nobody was answered.
    private func commit(_ batch: [(Item, Waiter)]) async -> (any Error)? {
        do {
            let outputs = try await write(batch.map(\.0))
            guard outputs.count == batch.count else {
                throw StoreError.corruptRecord("the store answered \(outputs.count) of \(batch.count) writes")
            }
            for ((_, waiter), output) in zip(batch, outputs) { waiter.resume(returning: output) }
            return nil
        } catch {
            return error
        }
    }

    /// Whether a batch's error comes from one of its items (a conflict or a value the database
    /// refused) rather than from the database (down, busy, full), which retrying item by item
    /// would only prolong.
    static func isCausedByOneItem(_ error: any Error) -> Bool {
        switch error as? StoreError {
        case .conflict, .invalidValue, .unknownReference: true
        default: false
        }
    }

    /// Writes batches until nothing is pending.
    private func flush() async {
        while true {
            let batch = state.withLockedValue { state -> [(Item, Waiter)] in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            if let error = await commit(batch) {
                if batch.count > 1, Self.isCausedByOneItem(error) {
                    // One bad item must not fail the others: each is tried on its own.
                    for item in batch {
                        if let error = await commit([item]) { item.1.resume(throwing: error) }
                    }
                } else {
                    for (_, waiter) in batch { waiter.resume(throwing: error) }
                }
            }
        }
    }
}
