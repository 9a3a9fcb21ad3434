import Foundation
import VigilCore

/// Keeps a device checking in: checks in, waits as ``CheckInSchedule`` says, and again, until
/// its task is cancelled or the server says the device was retired.
public struct AgentRunner: Sendable {
    /// What happened at one check-in.
    public enum Event: Sendable {
        /// The server took the posture; the next check-in is `nextIn` seconds away.
        case checkedIn(CheckInResponse, nextIn: TimeInterval)
        /// The check-in failed; the next attempt is `retryIn` seconds away.
        case failed(any Error, retryIn: TimeInterval)
        /// The device was retired; the runner stops.
        case retired
    }

    private let client: AgentClient
    private let postureProvider: any PostureProvider
    private let sleep: @Sendable (TimeInterval) async throws -> Void

    /// A runner for `client`.
    /// - Parameters:
    ///   - client: The device's client.
    ///   - postureProvider: What tells the posture at each check-in.
    ///   - sleep: Waits the given seconds, throwing when the task is cancelled; `Task.sleep` by default.
    public init(
        client: AgentClient, postureProvider: any PostureProvider,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.client = client
        self.postureProvider = postureProvider
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
