import Foundation

/// The delivery order of a device's commands and the wipe guard-rail (`docs/commands.md`).
public enum CommandQueue {
    /// The most commands sent to a device at once.
    public static let maximumPerDelivery = 16

    /// Whether `a` is sent before `b`: higher priority first, then oldest first.
    public static func precedes(_ a: DeviceCommand, _ b: DeviceCommand) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return a.id < b.id
    }

    /// The commands to send now, in order, at most `limit`: every waiting command whose time has
    /// come, whatever happened to the ones before it (failed, put off, sent without an answer).
    public static func deliverable(
        _ commands: [DeviceCommand], at now: Date, limit: Int = maximumPerDelivery
    ) -> [DeviceCommand] {
        Array(commands.filter { $0.isDeliverable(at: now) }.sorted(by: precedes).prefix(limit))
    }
}

/// The guard-rail on mass wipes: beyond ``limit`` wipes issued in an hour, every further wipe is
/// held until a second administrator approves it (`docs/commands.md`, "Guard-rails").
public struct WipeGuardRail: Sendable, Equatable {
    /// The wipes an hour that go out without a second approval; 10 by default.
    public var limit: Int
    /// The window the wipes are counted over: one hour.
    public static let window: TimeInterval = 3_600

    /// Sets the limit.
    public init(limit: Int = 10) { self.limit = limit }

    /// Which of `commands`, issued together after `recentWipes` wipes in the last hour, are held:
    /// the wipes beyond the limit, in their order.
    public func held(_ commands: [DeviceCommand], recentWipes: Int) -> Set<CommandID> {
        var count = recentWipes
        var held: Set<CommandID> = []
        for command in commands where command.kind.isWipe {
            count += 1
            if count > limit { held.insert(command.id) }
        }
        return held
    }

    /// `commands` with the ones the guard-rail holds marked ``CommandState/held``.
    public func apply(to commands: [DeviceCommand], recentWipes: Int) -> [DeviceCommand] {
        let held = held(commands, recentWipes: recentWipes)
        guard !held.isEmpty else { return commands }
        return commands.map { command in
            var command = command
            if held.contains(command.id) { command.state = .held }
            return command
        }
    }
}
