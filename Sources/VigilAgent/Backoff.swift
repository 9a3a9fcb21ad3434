import Foundation

/// Exponential backoff with full jitter: after the n-th failure in a row, a delay drawn evenly
/// from zero to `base × 2ⁿ` (at most `cap`), so that a fleet that lost the server at once does
/// not come back at once.
public struct Backoff: Sendable, Equatable {
    /// The ceiling after the first failure.
    public let base: TimeInterval
    /// The highest ceiling.
    public let cap: TimeInterval
    /// Failures since the last success.
    public private(set) var consecutiveFailures = 0

    /// A backoff from `base` up to `cap`.
    public init(base: TimeInterval, cap: TimeInterval) {
        self.base = base
        self.cap = cap
    }

    /// The most the next delay can be.
    public var ceiling: TimeInterval { min(base * pow(2, Double(min(consecutiveFailures, 30))), cap) }

    /// Counts a failure; returns the delay before the next attempt.
    public mutating func delayAfterFailure(using generator: inout some RandomNumberGenerator) -> TimeInterval {
        let ceiling = ceiling
        consecutiveFailures += 1
        return Double.random(in: 0...ceiling, using: &generator)
    }

    /// Forgets the failures.
    public mutating func succeeded() { consecutiveFailures = 0 }
}
