import Foundation

/// When to check in next: the server's interval with ±10% jitter, so that a fleet restarted
/// together spreads out; after failures, exponential backoff with full jitter (5 s doubling up
/// to 15 min), reset by the next success.
public struct CheckInSchedule: Sendable {
    /// The largest fraction of the interval added or taken away.
    public static let jitter = 0.1
    /// The shortest interval followed, whatever the server says.
    public static let minimumInterval: TimeInterval = 10
    /// The backoff ceiling after the first failure.
    public static let backoffBase: TimeInterval = 5
    /// The highest backoff ceiling.
    public static let backoffCap: TimeInterval = 15 * 60

    private var backoff = Backoff(base: backoffBase, cap: backoffCap)

    /// How many check-ins in a row have failed.
    public var consecutiveFailures: Int { backoff.consecutiveFailures }

    /// A schedule with no failures yet.
    public init() {}

    /// The delay after a successful check-in; resets the backoff.
    /// - Parameters:
    ///   - interval: The server's `nextCheckInSeconds`.
    ///   - generator: The source of the jitter.
    /// - Returns: Seconds to wait: `interval` (at least ``minimumInterval``) ± ``jitter``.
    public mutating func delayAfterSuccess(
        interval: Int, using generator: inout some RandomNumberGenerator
    ) -> TimeInterval {
        backoff.succeeded()
        let base = max(TimeInterval(interval), Self.minimumInterval)
        return base * (1 + Double.random(in: -Self.jitter...Self.jitter, using: &generator))
    }

    /// The delay after a failed check-in.
    /// - Parameter generator: The source of the jitter.
    /// - Returns: Seconds to wait: anywhere from 0 to the ceiling, which starts at
    ///   ``backoffBase`` and doubles with each failure in a row up to ``backoffCap``.
    public mutating func delayAfterFailure(using generator: inout some RandomNumberGenerator) -> TimeInterval {
        backoff.delayAfterFailure(using: &generator)
    }

    /// The longest the next failure's delay may be.
    public var backoffCeiling: TimeInterval { backoff.ceiling }
}
