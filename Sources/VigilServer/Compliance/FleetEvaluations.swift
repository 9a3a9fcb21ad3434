import Foundation
import Logging
import VigilCore
import VigilStore

/// One evaluation of the whole fleet, with its progress (`GET /api/v1/policy-evaluations/{id}`).
public struct FleetEvaluationJob: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "eval"

    /// Where a job stands.
    public enum State: String, Codable, Sendable {
        /// Waiting for the job before it.
        case queued
        /// Evaluating pages of devices.
        case running
        /// Every active device was evaluated.
        case done
        /// Stopped by an error; the next scheduled evaluation covers what it left.
        case failed
    }

    /// Unique identifier.
    public let id: String
    /// Why it runs, such as `policy change` or `schedule`.
    public let trigger: String
    /// Queued, running, done or failed.
    public var state: State
    /// Active devices evaluated so far.
    public var evaluated: Int
    /// Devices whose compliance or access changed.
    public var changed: Int
    /// When it was asked for.
    public let queuedAt: Date
    /// When it started, after any job before it.
    public var startedAt: Date?
    /// When it ended, done or failed.
    public var finishedAt: Date?
    /// Why it failed.
    public var error: String?
}

/// Runs fleet evaluations one at a time in the background and keeps the latest jobs for their
/// progress. A job asked for while another waits joins the waiting one: a burst of policy changes
/// costs one more pass, not one per change.
actor FleetEvaluations {
    /// Devices read and written per transaction.
    static let pageSize = 5_000
    /// How many finished jobs are kept for the API.
    static let keptJobs = 20

    private let evaluator: AccessEvaluator
    private let logger: Logger
    private var jobs: [FleetEvaluationJob] = []
    private var waiting: String?
    private var runner: Task<Void, Never>?

    init(evaluator: AccessEvaluator, logger: Logger) {
        self.evaluator = evaluator
        self.logger = logger
    }

    /// Asks for an evaluation of the fleet.
    /// - Returns: The job that will cover it (a waiting one when there is one).
    @discardableResult
    func start(trigger: String) -> FleetEvaluationJob {
        if let waiting, let job = job(id: waiting) { return job }
        let job = FleetEvaluationJob(
            id: Identifier<FleetEvaluationJob>.generate(at: Date()).rawValue, trigger: trigger, state: .queued,
            evaluated: 0, changed: 0, queuedAt: Date())
        jobs.append(job)
        if jobs.count > Self.keptJobs, let finished = jobs.firstIndex(where: { $0.state == .done || $0.state == .failed }) {
            jobs.remove(at: finished)
        }
        waiting = job.id
        if runner == nil { runner = Task { await self.drain() } }
        return job
    }

    /// The job with `id`, if it is still kept.
    func job(id: String) -> FleetEvaluationJob? { jobs.first { $0.id == id } }

    /// The kept jobs, newest first.
    func recentJobs() -> [FleetEvaluationJob] { jobs.reversed() }

    /// Waits until no job is queued or running (for tests and benchmarks).
    func waitUntilIdle() async {
        while let runner { await runner.value }
    }

    private func drain() async {
        while let id = waiting {
            waiting = nil
            await run(id)
        }
        runner = nil
    }

    private func run(_ id: String) async {
        update(id) {
            $0.state = .running
            $0.startedAt = Date()
        }
        do {
            let evaluator = try await self.evaluator.policies.reload().evaluator
            let store = self.evaluator.store
            // The next page is read while this one is evaluated and written: reads and the writer
            // run on separate connections, so the two overlap.
            func read(after: DeviceID?) -> Task<(subjects: [EvaluationSubject], at: Date), any Error> {
                Task {
                    let now = Date().roundedToMilliseconds
                    return (try await store.evaluationSubjects(after: after, limit: Self.pageSize, at: now), now)
                }
            }
            var next: Task<(subjects: [EvaluationSubject], at: Date), any Error>? = read(after: nil)
            while let page = try await next?.value, let last = page.subjects.last {
                next = page.subjects.count == Self.pageSize ? read(after: last.device.id) : nil
                let changed = try await self.evaluator.evaluate(page.subjects, evaluator: evaluator, at: page.at)
                update(id) {
                    $0.evaluated += page.subjects.count
                    $0.changed += changed
                }
            }
            update(id) {
                $0.state = .done
                $0.finishedAt = Date()
            }
            if let job = job(id: id), job.changed > 0 {
                logger.info("Fleet evaluation (\(job.trigger)): \(job.evaluated) devices, \(job.changed) changed")
            }
        } catch {
            logger.error("Fleet evaluation failed: \(error)")
            update(id) {
                $0.state = .failed
                $0.finishedAt = Date()
                $0.error = "\(error)"
            }
        }
    }

    private func update(_ id: String, _ change: (inout FleetEvaluationJob) -> Void) {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        change(&jobs[index])
    }
}
