import Foundation
import VigilCore

/// The decisions both backends make the same way inside their transactions: which commands a
/// request really queues, which of those the wipe guard-rail holds, and which waiting commands a
/// delivery hands out.
enum CommandQueueing {
    /// What to insert for `commands`, and each command's result in order.
    /// - Parameters:
    ///   - existing: The stored command holding each command's idempotency key, by its index.
    ///   - recentWipes: The wipes of the guard-rail's window already counted.
    static func plan(
        _ commands: [DeviceCommand], existing: [Int: DeviceCommand], recentWipes: Int, guardRail: WipeGuardRail
    ) -> (insert: [DeviceCommand], results: [EnqueuedCommand]) {
        var firstWithKey: [String: Int] = [:]
        var fresh: [DeviceCommand] = []
        var slots: [(index: Int, fresh: Int?)] = []
        for (index, command) in commands.enumerated() {
            if existing[index] != nil {
                slots.append((index, nil))
                continue
            }
            if let key = command.idempotencyKey {
                let slotKey = "\(command.deviceID.rawValue) \(key)"
                if let first = firstWithKey[slotKey] {
                    slots.append((index, slots[first].fresh))
                    continue
                }
                firstWithKey[slotKey] = slots.count
            }
            slots.append((index, fresh.count))
            fresh.append(command)
        }
        let inserted = guardRail.apply(to: fresh, recentWipes: recentWipes)
        let results = slots.map { slot in
            if let position = slot.fresh {
                // A repeat within the request is the command its first occurrence queued.
                let isFirst = commands[slot.index].id == inserted[position].id
                return EnqueuedCommand(command: inserted[position], created: isFirst)
            }
            return EnqueuedCommand(command: existing[slot.index]!, created: false)
        }
        return (inserted, results)
    }

    /// The indexes of the commands that carry an idempotency key, with the lookup for each.
    static func keyLookups(_ commands: [DeviceCommand]) -> [(index: Int, statement: SQLStatement)] {
        commands.enumerated().compactMap { index, command in
            command.idempotencyKey.map { (index, CommandSQL.command(deviceID: command.deviceID, idempotencyKey: $0)) }
        }
    }

    /// The devices of a delivery in slices of ``devicesPerDelivery``: a statement each.
    static func slices(_ devices: [DeviceID]) -> [[DeviceID]] {
        stride(from: 0, to: devices.count, by: devicesPerDelivery).map {
            Array(devices[$0..<min($0 + devicesPerDelivery, devices.count)])
        }
    }

    /// What to hand out of the waiting commands read in queue order per device (at most `limit`
    /// per device, each as it is once delivered), with the statement that marks them delivered
    /// (`nil` when there are none).
    static func handOut(
        _ waiting: [DeviceCommand], at now: Date, limit: Int
    ) -> (byDevice: [DeviceID: [DeviceCommand]], mark: SQLStatement?) {
        var byDevice: [DeviceID: [DeviceCommand]] = [:]
        for command in waiting {
            let taken = byDevice[command.deviceID, default: []]
            guard taken.count < limit else { continue }
            var delivered = command
            guard (try? delivered.deliver(at: now)) != nil else { continue }
            byDevice[command.deviceID] = taken + [delivered]
        }
        let ids = byDevice.values.flatMap { $0.map(\.id) }
        return (byDevice, ids.isEmpty ? nil : CommandSQL.markDelivered(ids, at: now, redeliveryDelay: DeviceCommand.redeliveryDelay))
    }

    /// A device's outcome applied to the command it names, if that command is the device's.
    static func recording(
        _ outcome: CommandOutcome, on stored: DeviceCommand?, of deviceID: DeviceID, at now: Date
    ) -> Result<DeviceCommand, CommandOutcomeRefusal> {
        guard var command = stored, command.deviceID == deviceID else { return .failure(.unknownCommand) }
        do {
            try command.record(outcome, at: now)
        } catch {
            return .failure(.transition(error))
        }
        return .success(command)
    }

    /// The command as expired at `now`, or `nil` when it has not expired.
    static func expired(_ command: DeviceCommand, at now: Date) -> DeviceCommand? {
        var command = command
        return command.expire(at: now) ? command : nil
    }

    /// Devices per delivery statement.
    static let devicesPerDelivery = 500
}
