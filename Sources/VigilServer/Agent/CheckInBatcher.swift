import Foundation
import NIOConcurrencyHelpers
import VigilCore
import VigilStore

/// Group commit for check-ins: check-ins that arrive while a batch is being written wait and are
/// written together in the next transaction, so that a thousand devices cost a few transactions
/// instead of a thousand. Every check-in is answered only after its transaction commits.
final class CheckInBatcher: Sendable {
    typealias Waiter = CheckedContinuation<DeviceCheckInState?, any Error>

    struct State {
        var pending: [(DeviceCheckIn, Waiter)] = []
        var flushing = false
    }

    /// The most check-ins written in one transaction.
    static let maximumBatch = 2_000

    private let store: any VigilStore
    private let state = NIOLockedValueBox(State())

    init(store: any VigilStore) {
        self.store = store
    }

    /// Records a check-in.
    /// - Returns: The device's state, or `nil` when the device is retired or unknown.
    func record(_ checkIn: DeviceCheckIn) async throws -> DeviceCheckInState? {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let startFlushing = state.withLockedValue { state -> Bool in
                state.pending.append((checkIn, waiter))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if startFlushing {
                Task { await self.flush() }
            }
        }
    }

    /// Writes batches until nothing is pending.
    private func flush() async {
        while true {
            let batch = state.withLockedValue { state -> [(DeviceCheckIn, Waiter)] in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let states = try await store.recordCheckIns(batch.map(\.0))
                guard states.count == batch.count else {
                    throw StoreError.corruptRecord("the store answered \(states.count) of \(batch.count) check-ins")
                }
                for ((_, waiter), deviceState) in zip(batch, states) { waiter.resume(returning: deviceState) }
            } catch {
                for (_, waiter) in batch { waiter.resume(throwing: error) }
            }
        }
    }
}
