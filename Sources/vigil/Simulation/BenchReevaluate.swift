import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer
import VigilStore

/// `vigil bench reevaluate`: how long the whole fleet takes to evaluate after a policy change.
struct BenchReevaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reevaluate",
        abstract: "Measure the evaluation of a whole fleet after a policy change, on SQLite.",
        discussion: """
            Loads --devices simulated devices (50 per person, with the simulator's postures: about one in \
            six fails a policy) into a fresh SQLite database in a temporary directory, applies the demo \
            hospital's policies and evaluates the fleet once (every device's first record). Then three \
            policy changes, each followed by the server's background fleet evaluation, timed until done: \
            one that changes no device's outcome (a description), one that changes some (Android's \
            minimum version from 14 to 15) and one that changes nearly all (the baseline screen lock from \
            300 to 100 seconds). Run it on a release build: swift build -c release.
            """)

    @Option(help: "How many devices the fleet has.")
    var devices = 100_000

    @Flag(help: "Also print the figures as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard (1_000...1_000_000).contains(devices) else { throw ValidationError("--devices must be 1000 to 1000000") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-reevaluate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent(StoreLocation.sqliteFileName).path)
        let count = devices
        let report = try await withRunningStore(store) { store in
            try await store.migrate()
            return try await Self.measure(store: store, devices: count, dataDirectory: directory.path)
        }
        for line in report.lines { print(line) }
        if json { print(try JSONLine.encode(report)) }
    }

    static func measure(store: any VigilStore, devices: Int, dataDirectory: String) async throws -> ReevaluateBenchReport {
        let line = ProgressLine()
        let now = Date().roundedToMilliseconds
        line.show("Loading \(devices) devices…")
        let seedStart = ContinuousClock.now
        try await store.loadSeed(Self.fleet(devices, at: now), audit: AuditEventDraft(
            occurredAt: now, actor: .system("bench"), action: .demoLoaded, target: nil, outcome: .success))
        let seedSeconds = SimulatedFleet.seconds(since: seedStart)
        line.show("Loaded \(devices) devices in \(String(format: "%.1f", seedSeconds)) s", final: true)

        var configuration = ServerConfiguration()
        configuration.dataDirectory = dataDirectory
        var logger = Logger(label: "vigil.bench")
        logger.logLevel = .warning
        let compliance = ComplianceServices(store: store, configuration: configuration, publicURL: { "" }, logger: logger)
        var policies = try DemoHospital.policies()

        func timedChange(_ name: String) async throws -> ReevaluateBenchReport.Pass {
            line.show("Evaluating the fleet after: \(name)…")
            let changes = PolicyChange.changes(
                from: try await store.securityPolicies(), to: policies, removingOthers: true)
            let start = ContinuousClock.now
            try await store.applyPolicyChanges(changes, at: Date().roundedToMilliseconds, audit: changes.map {
                AuditEventDraft(
                    occurredAt: Date().roundedToMilliseconds, actor: .system("bench"), action: .policyUpdated,
                    target: AuditTarget(type: "policy", id: $0.name), outcome: .success)
            })
            let job = await compliance.evaluateFleet(trigger: name)
            await compliance.waitForFleetEvaluations()
            let seconds = SimulatedFleet.seconds(since: start)
            guard let done = await compliance.fleetEvaluation(id: job.id), done.state == .done else {
                throw CommandFailure("the fleet evaluation after \(name) did not finish")
            }
            line.show("Evaluated \(done.evaluated) devices after \(name)", final: true)
            return .init(change: name, seconds: seconds, evaluated: done.evaluated, changed: done.changed)
        }

        let first = try await timedChange("the first policies")
        policies[0].description = "What every device must satisfy (reworded)."
        let none = try await timedChange("a reworded description")
        policies[0].requirements.minimumOSVersion?[.android] = "15"
        let some = try await timedChange("Android 15 required")
        policies[0].requirements.maximumScreenLockSeconds = 100
        let most = try await timedChange("a 100-second screen lock")

        // What bounds a pass: reading every device with what evaluating it needs, one page after
        // the other, and evaluating them all in memory on one core.
        line.show("Reading and evaluating the fleet without writing…")
        let evaluator = ComplianceEvaluator(policies: PolicySet(try await store.securityPolicies()))
        let readStart = ContinuousClock.now
        var subjects: [EvaluationSubject] = []
        while true {
            let page = try await store.evaluationSubjects(after: subjects.last?.device.id, limit: 1_000, at: now)
            subjects += page
            if page.count < 1_000 { break }
        }
        let readSeconds = SimulatedFleet.seconds(since: readStart)
        let evaluateStart = ContinuousClock.now
        let changed = subjects.reduce(0) { $0 + (evaluator.evaluate($1, at: now, actor: .system("bench")).changed ? 1 : 0) }
        let evaluateSeconds = SimulatedFleet.seconds(since: evaluateStart)
        line.show("Read and evaluated \(subjects.count) devices (\(changed) would change)", final: true)
        return ReevaluateBenchReport(
            devices: devices, seedSeconds: seedSeconds, passes: [first, none, some, most], readSeconds: readSeconds,
            evaluateSeconds: evaluateSeconds)
    }

    /// A simulated fleet: 50 devices per clinician, with the simulator's models and postures.
    static func fleet(_ count: Int, at now: Date) -> SeedData {
        let facility = Facility(
            id: .generate(at: now), name: "Bench General", address: "1 Bench Street", timeZone: "UTC", createdAt: now,
            updatedAt: now)
        let people = (0..<(count + 49) / 50).map { index in
            Person(
                id: .generate(at: now), name: "Clinician \(index)", email: "clinician\(index)@bench.example",
                affiliation: .employee, roles: [.clinician], facilityIDs: [facility.id], status: .active, createdAt: now,
                updatedAt: now)
        }
        var invitations: [(invitation: EnrollmentInvitation, codeHash: String)] = []
        var devices: [Device] = []
        for index in 0..<count {
            let simulated = SimulatedDevice(index: index)
            let invitation = EnrollmentInvitation(
                id: .generate(at: now), personID: people[index / 50].id, facilityID: facility.id,
                ownership: simulated.ownership, deviceClass: simulated.deviceClass, medicalKind: nil, note: nil,
                createdBy: nil, createdAt: now, expiresAt: now, usedAt: now, deviceID: nil, revokedAt: nil)
            invitations.append((invitation, "bench-\(index)"))
            devices.append(device(simulated, index: index, person: people[index / 50].id, invitation: invitation.id, at: now))
        }
        return SeedData(facilities: [facility], people: people, tokens: [], invitations: invitations, devices: devices)
    }

    /// The `index`th simulated device as an enrolled, approved record that checked in at `now`.
    static func device(
        _ simulated: SimulatedDevice, index: Int, person: PersonID, invitation: EnrollmentInvitationID, at now: Date
    ) -> Device {
        Device(
            id: .generate(at: now), personID: person, facilityID: nil, invitationID: invitation,
            ownership: simulated.ownership, deviceClass: simulated.deviceClass, medicalKind: nil,
            platform: simulated.facts.platform, model: simulated.facts.model, osVersion: simulated.facts.osVersion,
            hardwareID: nil, name: nil, publicKey: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", approval: .approved,
            enrolledAt: now, lastSeenAt: now, posture: simulated.posture(checkIn: index), updatedAt: now)
    }

    /// The `index`th simulated device as the evaluator sees it, never evaluated before.
    static func subject(_ index: Int, at now: Date) -> EvaluationSubject {
        EvaluationSubject(
            device: device(SimulatedDevice(index: index), index: index, person: .generate(at: now), invitation: .generate(at: now), at: now),
            roles: [.clinician], personStatus: .active, recorded: nil, emergency: nil)
    }
}

/// The figures of `vigil bench reevaluate`.
struct ReevaluateBenchReport: Encodable {
    /// One fleet evaluation after one policy change.
    struct Pass: Encodable {
        let change: String
        /// From the change's commit to the end of the evaluation.
        let seconds: Double
        let evaluated: Int
        let changed: Int
    }

    var benchmark = "reevaluate"
    let devices: Int
    let seedSeconds: Double
    let passes: [Pass]
    /// Reading every device with what evaluating it needs, page after page.
    let readSeconds: Double
    /// Evaluating every device in memory on one core.
    let evaluateSeconds: Double

    var lines: [String] {
        passes.map { pass in
            "after \(pass.change): "
                + String(
                    format: "%.2f s for %d devices (%.0f devices/s), %d changed", pass.seconds, pass.evaluated,
                    Double(pass.evaluated) / pass.seconds, pass.changed)
        } + [
            String(format: "reading alone: %.2f s; evaluating alone, in memory on one core: %.2f s", readSeconds, evaluateSeconds)
        ]
    }
}
