import VigilCore
import VigilStore

/// Group commit for check-ins (see ``GroupCommit``): every check-in is answered only after its
/// transaction commits.
typealias CheckInBatcher = GroupCommit<DeviceCheckIn, DeviceCheckInState?>

extension GroupCommit where Item == DeviceCheckIn, Output == DeviceCheckInState? {
    /// The most check-ins written in one transaction.
    static var maximumCheckIns: Int { 2_000 }

    /// A check-in writer for `store`.
    convenience init(store: any VigilStore) {
        self.init(maximumBatch: Self.maximumCheckIns) { try await store.recordCheckIns($0) }
    }

    /// Records a check-in.
    /// - Returns: The device's state, or `nil` when the device is retired or unknown.
    func record(_ checkIn: DeviceCheckIn) async throws -> DeviceCheckInState? {
        try await submit(checkIn)
    }
}
