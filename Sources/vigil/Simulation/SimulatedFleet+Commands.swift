import Foundation
import Logging
import VigilAgent
import VigilAgentWebSocket
import VigilCore

extension SimulatedFleet {
    /// Keeps every device's push channel open until `deadline` (each through its own runner,
    /// which reconnects with backoff), executing and answering what arrives.
    func runPush(until deadline: ContinuousClock.Instant, onEvent: @escaping @Sendable (Member, CommandRunner.Event) -> Void) async {
        var logger = Logger(label: "vigil.simulate.push")
        logger.logLevel = .critical
        let transport = WebSocketPushTransport(logger: logger)
        await withTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask { await member.runner.runPush(over: transport, onEvent: { onEvent(member, $0) }) }
            }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    /// One line about a command a device executed, for the simulator's output; `nil` for other events.
    static func line(_ member: Member, _ event: CommandRunner.Event) -> String? {
        guard case .executed(let command, let outcome) = event else { return nil }
        return "\(member.client.deviceID) \(command.type): \(outcome.status.rawValue)" + (outcome.detail.map { " (\($0))" } ?? "")
    }
}
