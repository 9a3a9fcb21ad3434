import Foundation
import VigilCore

/// Keeps a device checking in: checks in, executes and answers the commands the check-in
/// brought (with a ``CommandRunner``), waits as ``CheckInSchedule`` says, and again, until its
/// task is cancelled, the server says the device was retired, or a command retired or wiped it.
public struct AgentRunner: Sendable {
    /// What happened at one check-in.
    public enum Event: Sendable {
        /// The server took the posture; the next check-in is `nextIn` seconds away.
        case checkedIn(CheckInResponse, nextIn: TimeInterval)
        /// The check-in failed; the next attempt is `retryIn` seconds away.
        case failed(any Error, retryIn: TimeInterval)
        /// The device was retired; the runner stops.
        case retired
        /// A command a check-in brought was executed and answered.
        case executed(PendingCommand, CommandOutcome)
    }

    private let client: AgentClient
    private let postureProvider: any PostureProvider
    private let commands: CommandRunner?
    private let sleep: @Sendable (TimeInterval) async throws -> Void

    /// A runner for `client`.
    /// - Parameters:
    ///   - client: The device's client.
    ///   - postureProvider: What tells the posture at each check-in.
    ///   - commands: What executes the commands check-ins bring; `nil` leaves them unanswered.
    ///   - sleep: Waits the given seconds, throwing when the task is cancelled; `Task.sleep` by default.
    public init(
        client: AgentClient, postureProvider: any PostureProvider, commands: CommandRunner? = nil,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.client = client
        self.postureProvider = postureProvider
        self.commands = commands
        self.sleep = sleep
    }

    /// Checks in at once, then on schedule, reporting each outcome to `onEvent`.
    /// - Parameter onEvent: Called after each check-in.
    /// - Returns: When the task is cancelled or after ``Event/retired``.
    public func run(onEvent: @escaping @Sendable (Event) -> Void) async {
        var schedule = CheckInSchedule()
        var generator = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let delay: TimeInterval
            do {
                let response = try await client.checkIn(await postureProvider.currentPosture())
                delay = schedule.delayAfterSuccess(interval: response.nextCheckInSeconds, using: &generator)
                onEvent(.checkedIn(response, nextIn: delay))
                _ = try? await commands?.handle(response) { event in
                    if case .executed(let command, let outcome) = event { onEvent(.executed(command, outcome)) }
                }
                if await commands?.hasStopped == true {
                    onEvent(.retired)
                    return
                }
            } catch AgentError.retired {
                onEvent(.retired)
                return
            } catch {
                if Task.isCancelled { return }
                delay = schedule.delayAfterFailure(using: &generator)
                onEvent(.failed(error, retryIn: delay))
            }
            do {
                try await sleep(delay)
            } catch {
                return
            }
        }
    }
}
