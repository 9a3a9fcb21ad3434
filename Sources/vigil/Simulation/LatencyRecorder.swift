import Foundation
import NIOConcurrencyHelpers

/// Counts requests and errors as they happen (for the live progress line) and keeps every
/// latency (for exact percentiles at the end).
final class LatencyRecorder: Sendable {
    struct Totals: Sendable {
        var requests = 0
        var errors = 0
        var latencies: [Double] = []
        var lastError: String?
    }

    private let totals = NIOLockedValueBox(Totals())

    /// Records one request that took `seconds`, and whether it failed.
    func record(seconds: Double, error: (any Error)? = nil) {
        totals.withLockedValue { totals in
            totals.requests += 1
            totals.latencies.append(seconds)
            if let error {
                totals.errors += 1
                totals.lastError = String(describing: error)
            }
        }
    }

    /// Runs one request, timing and recording it.
    /// - Returns: Its answer, or `nil` when it failed (the error is recorded).
    func timing<Answer>(_ request: () async throws -> Answer) async -> Answer? {
        let start = ContinuousClock.now
        do {
            let answer = try await request()
            record(seconds: SimulatedFleet.seconds(since: start))
            return answer
        } catch {
            record(seconds: SimulatedFleet.seconds(since: start), error: error)
            return nil
        }
    }

    /// Requests and errors so far.
    var counts: (requests: Int, errors: Int) { totals.withLockedValue { ($0.requests, $0.errors) } }

    /// The summary of everything recorded over `elapsed` seconds.
    func summary(elapsed: Double) -> LatencySummary {
        let totals = totals.withLockedValue { $0 }
        let sorted = totals.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] * 1_000
        }
        return LatencySummary(
            requests: totals.requests, errors: totals.errors, seconds: elapsed,
            perSecond: elapsed > 0 ? Double(totals.requests - totals.errors) / elapsed : 0,
            p50Milliseconds: percentile(0.50), p99Milliseconds: percentile(0.99), lastError: totals.lastError)
    }
}

/// Throughput and latency of one phase of a run.
struct LatencySummary: Codable, Sendable {
    let requests: Int
    let errors: Int
    let seconds: Double
    /// Successful requests per second.
    let perSecond: Double
    let p50Milliseconds: Double
    let p99Milliseconds: Double
    let lastError: String?

    /// One line for people.
    var line: String {
        String(
            format: "%.0f/s over %.1f s (%d requests, %d errors), p50 %.2f ms, p99 %.2f ms", perSecond, seconds,
            requests, errors, p50Milliseconds, p99Milliseconds)
    }
}
