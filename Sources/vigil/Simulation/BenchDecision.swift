import ArgumentParser
import Foundation
import VigilCore
import VigilServer

/// `vigil bench decision`: access decisions and compliance evaluations per second on one core.
struct BenchDecision: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decision",
        abstract: "Measure access decisions and compliance evaluations per second, on one core.",
        discussion: """
            Decides every combination of the access decision's inputs (73,728 of them) over and over \
            for --decisions decisions on one thread; then evaluates simulated devices against the demo \
            hospital's policies and BYOD agreements (Sources/VigilServer/Resources/hospital.yaml) as a check-in does: \
            effective policy, every requirement, grace period, decision and what changed. In process, \
            no server. Run it on a release build: swift build -c release.
            """)

    @Option(help: "How many access decisions to make.")
    var decisions = 50_000_000

    @Option(help: "How many compliance evaluations to make.")
    var evaluations = 1_000_000

    @Flag(help: "Also print the figures as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard (100_000...2_000_000_000).contains(decisions) else { throw ValidationError("--decisions must be 100000 to 2000000000") }
        guard (1_000...100_000_000).contains(evaluations) else { throw ValidationError("--evaluations must be 1000 to 100000000") }
    }

    func run() async throws {
        let inputs = AccessInputs.everyCombination
        let rounds = max(1, decisions / inputs.count)
        var allowed = 0
        let decideStart = ContinuousClock.now
        for _ in 0..<rounds {
            for input in inputs where AccessDecision.decide(input).allowed { allowed += 1 }
        }
        let decideSeconds = SimulatedFleet.seconds(since: decideStart)
        let made = rounds * inputs.count

        let now = Date()
        let demo = try DemoHospital.file()
        // The demo's BYOD agreements too, so that personal devices are judged against them.
        let agreements = try (demo.agreements ?? []).map { try Agreement.publish($0, previous: nil, at: now) }
        let evaluator = ComplianceEvaluator(policies: PolicySet(demo.policies), agreements: AgreementSet(agreements))
        let subjects = (0..<10_000).map { BenchReevaluate.subject($0, at: now) }
        var changed = 0
        let evaluateStart = ContinuousClock.now
        for index in 0..<evaluations {
            if evaluator.evaluate(subjects[index % subjects.count], at: now, actor: .system("bench")).changed { changed += 1 }
        }
        let evaluateSeconds = SimulatedFleet.seconds(since: evaluateStart)

        let report = DecisionBenchReport(
            decisions: made, decisionsPerSecond: Double(made) / decideSeconds,
            allowedShare: Double(allowed) / Double(made), evaluations: evaluations,
            evaluationsPerSecond: Double(evaluations) / evaluateSeconds)
        for line in report.lines { print(line) }
        if json { print(try JSONLine.encode(report)) }
    }
}

/// The figures of `vigil bench decision`.
struct DecisionBenchReport: Encodable {
    var benchmark = "decision"
    let decisions: Int
    /// Access decisions per second on one core.
    let decisionsPerSecond: Double
    /// The share of the decisions that allowed (a check that the work was done).
    let allowedShare: Double
    let evaluations: Int
    /// Whole device evaluations (compliance, decision, changes) per second on one core.
    let evaluationsPerSecond: Double

    var lines: [String] {
        [
            String(format: "access decisions:      %12.0f per second on one core (%d made, %.1f%% allowed)", decisionsPerSecond, decisions, allowedShare * 100),
            String(format: "device evaluations:    %12.0f per second on one core (%d made, demo hospital policies)", evaluationsPerSecond, evaluations),
        ]
    }
}
