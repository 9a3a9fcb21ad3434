import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilStore

/// Moves places and shifts on in time without a report (`docs/geofencing.md`, "The sweep"):
/// every few seconds it settles the places whose next change came (a run of outside fixes that
/// completed, a visit that ended, a place that went stale) and evaluates the devices of the
/// people whose shift opened or closed or whose visit started, ended or was cancelled. Every
/// minute it reads the fences again (for changes made on another replica); every hour it purges
/// the fixes older than the retention period.
struct PlaceSweep: Service {
    let places: PlaceServices
    let evaluator: AccessEvaluator
    let store: any VigilStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var last = Date().roundedToMilliseconds
        var sweeps = 0
        let perMinute = max(1, Int(60 / interval.seconds))
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let now = Date().roundedToMilliseconds
            await sweep(after: last, through: now)
            last = now
            if sweeps % perMinute == 0 { _ = try? await places.fences.reload() }
            if sweeps % (60 * perMinute) == 0 { await purge(at: now) }
            sweeps += 1
        }
    }

    /// One sweep over `(after, through]`.
    func sweep(after: Date, through now: Date) async {
        do {
            let settled = try await places.settleDuePlaces(at: now)
            for person in try await store.peopleWithScheduleChanges(after: after, through: now) where !settled.contains(person) {
                try await evaluator.evaluateDevices(of: person, actor: .system("schedule"), at: now)
            }
        } catch {
            logger.warning("The place sweep failed; it runs again shortly: \(error)")
        }
    }

    func purge(at now: Date) async {
        let cutoff = now.addingTimeInterval(-Double(places.retentionDays) * 86_400)
        do {
            let removed = try await store.purgeLocationFixes(recordedBefore: cutoff)
            if removed > 0 { logger.info("Removed \(removed) location fixes older than \(places.retentionDays) days") }
        } catch {
            logger.warning("Could not purge location fixes: \(error)")
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
