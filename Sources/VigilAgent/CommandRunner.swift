import Foundation
import VigilCore

/// The agent's side of remote commands (`docs/commands.md`, "Agent and simulator"): it executes
/// the commands a check-in or the push channel brings, in order, on the state it manages, does
/// what they leave to do (report a fix, fetch the provisioning, rotate the key), and answers each.
/// A command the server hands out again (its answer was lost) is answered again, not run twice,
/// even after a restart: the answers are kept with the state.
/// The push channel reconnects with exponential backoff and jitter.
public actor CommandRunner {
    /// What the runner did, for a log or a display.
    public enum Event: Sendable {
        case executed(PendingCommand, CommandOutcome)
        case connected
        case disconnected(any Error, retryIn: TimeInterval)
        case accessChanged(AccessStatus)
        /// Nobody used the device for the policy's inactivity timeout: the screen was locked.
        case lockedForInactivity
        /// The device was reported left behind; the server's answer.
        case leftBehind(LeftBehindAnswer)
        case stopped
    }

    /// Where a fix comes from when a command asks to locate the device; `nil` when it has no source.
    public typealias LocationSource = @Sendable () async -> LocationFix?

    private let client: AgentClient
    private let executor: CommandExecutor
    private let locationSource: LocationSource?
    private let save: @Sendable (ManagedState) throws -> Void
    /// The state the commands changed.
    public private(set) var state: ManagedState

    /// How many answers are remembered to answer a redelivered command again.
    public static let rememberedAnswers = 256
    /// The push channel's reconnection backoff: from 1 s, doubling, up to a minute.
    public static let reconnectBackoff = Backoff(base: 1, cap: 60)
    /// A connection that stayed open this long resets the backoff when it closes.
    public static let stableConnection: TimeInterval = 30

    /// A runner for `client`'s device.
    /// - Parameters:
    ///   - state: The state as last saved.
    ///   - locationSource: Where fixes come from, if the device has a location source.
    ///   - canPlaySound: Whether the device has a speaker.
    ///   - save: Keeps the state after every change (a file for a real agent, nothing for a simulated one).
    public init(
        client: AgentClient, state: ManagedState, locationSource: LocationSource?, canPlaySound: Bool,
        save: @escaping @Sendable (ManagedState) throws -> Void = { _ in }
    ) {
        self.client = client
        self.state = state
        self.locationSource = locationSource
        self.executor = CommandExecutor(
            capabilities: CommandExecutor.Capabilities(canLocate: locationSource != nil, canPlaySound: canPlaySound))
        self.save = save
    }

    /// Whether the device stopped taking commands (retired or wiped whole).
    public var hasStopped: Bool { state.retired || state.fullyWiped }

    /// Executes commands in order and returns their answers; does what they leave to do.
    public func execute(_ commands: [PendingCommand], onEvent: @Sendable (Event) -> Void = { _ in }) async -> [CommandOutcome] {
        var outcomes: [CommandOutcome] = []
        for command in commands {
            if let earlier = state.recentAnswers.last(where: { $0.commandID == command.id }) {
                outcomes.append(earlier)
                continue
            }
            let execution = executor.execute(command, on: &state)
            remember(execution.outcome)
            try? save(state)
            outcomes.append(execution.outcome)
            onEvent(.executed(command, execution.outcome))
            if let followUp = execution.followUp { await perform(followUp) }
        }
        return outcomes
    }

    /// Executes what a check-in brought and answers over HTTP.
    /// - Returns: The server's account of the answers, or `nil` when there was nothing to answer.
    @discardableResult
    public func handle(_ checkIn: CheckInResponse, onEvent: @Sendable (Event) -> Void = { _ in }) async throws
        -> CommandResultsResponse?
    {
        guard !checkIn.commands.isEmpty else { return nil }
        let outcomes = await execute(checkIn.commands, onEvent: onEvent)
        return try await client.reportResults(outcomes)
    }

    /// Keeps the push channel open until the task is cancelled or the device stops: each
    /// connection's commands are executed and answered on it; a closed or failed connection is
    /// opened again after a backoff with jitter.
    public func runPush(
        over transport: any PushTransport, sleep: @escaping @Sendable (TimeInterval) async throws -> Void = {
            try await Task.sleep(for: .seconds($0))
        }, onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) async {
        var backoff = Self.reconnectBackoff
        var generator = SystemRandomNumberGenerator()
        while !Task.isCancelled, !hasStopped {
            let opened = Date()
            var failure: any Error = PushClosed()
            do {
                let upgrade = try await client.pushUpgradeRequest()
                try await transport.connect(upgrade) { message, replier in
                    try await self.receive(message, replier: replier, onEvent: onEvent)
                }
            } catch AgentError.retired {
                state.retired = true
                try? save(state)
            } catch {
                failure = error
            }
            if hasStopped || Task.isCancelled { break }
            if Date().timeIntervalSince(opened) >= Self.stableConnection { backoff.succeeded() }
            let delay = backoff.delayAfterFailure(using: &generator)
            onEvent(.disconnected(failure, retryIn: delay))
            do { try await sleep(delay) } catch { break }
        }
        onEvent(.stopped)
    }

    /// Enforces automatic logoff and reports the device left behind, from what `source` tells
    /// every `interval` seconds, until the task is cancelled or the device stops (``PresenceWatch``).
    /// - Parameters:
    ///   - inactivityLockSeconds: The policy's `maximumScreenLockSeconds`, if any.
    ///   - leftBehindAfterMinutes: The provisioning's `leftBehindAfterMinutes`, if any.
    public func watchPresence(
        _ source: any PresenceSource, inactivityLockSeconds: Int?, leftBehindAfterMinutes: Int?, every interval: TimeInterval = 10,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) async {
        var watch = PresenceWatch(now: .distantPast)
        while !Task.isCancelled, !hasStopped {
            let sample = await source.sample()
            watch.interacted(at: sample.lastInteraction)
            if let moved = sample.lastMovement { watch.moved(at: moved) }
            for action in watch.due(at: Date(), inactivityLockSeconds: inactivityLockSeconds, leftBehindAfterMinutes: leftBehindAfterMinutes) {
                switch action {
                case .lockForInactivity:
                    state.locked = true
                    try? save(state)
                    onEvent(.lockedForInactivity)
                case .reportLeftBehind(let stationarySince, let lastInteractionAt):
                    let report = LeftBehindReport(stationarySince: stationarySince, lastInteractionAt: lastInteractionAt)
                    if let answer = try? await client.reportLeftBehind(report) { onEvent(.leftBehind(answer)) }
                }
            }
            do { try await sleep(interval) } catch { return }
        }
    }

    private func receive(
        _ message: PushMessage, replier: any PushReplier, onEvent: @Sendable (Event) -> Void
    ) async throws {
        switch message.type {
        case .ready:
            onEvent(.connected)
        case .commands:
            let outcomes = await execute(message.commands ?? [], onEvent: onEvent)
            if !outcomes.isEmpty { try await replier.send(AgentPushMessage(results: outcomes)) }
        case .access:
            if let access = message.access { onEvent(.accessChanged(access)) }
        case .results:
            break
        }
        if hasStopped { throw PushClosed() }
    }

    private func perform(_ followUp: CommandExecutor.FollowUp) async {
        switch followUp {
        case .reportLocation:
            if let fix = await locationSource?() { _ = try? await client.reportLocation([fix]) }
        case .refreshProvisioning:
            _ = try? await client.provisioning()
        case .rotateCredential:
            try? await client.rotateKey()
        case .stop:
            break
        }
    }

    private func remember(_ outcome: CommandOutcome) {
        state.recentAnswers.append(outcome)
        if state.recentAnswers.count > Self.rememberedAnswers { state.recentAnswers.removeFirst() }
    }
}

/// The push connection closed without an error.
public struct PushClosed: Error, Sendable {}
