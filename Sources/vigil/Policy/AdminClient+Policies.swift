import Foundation
import VigilCore
import VigilServer

/// The policy routes, as `vigil policy` calls them.
extension AdminClient {
    /// What `PUT /api/v1/policies` answers.
    struct PolicyChanges: Decodable {
        struct Change: Decodable {
            let name: String
            let change: String
            let fromVersion: Int?
            let toVersion: Int?
        }

        let changes: [Change]
        let evaluation: FleetEvaluationJob?
    }

    /// The policies in force.
    func policies() async throws -> [SecurityPolicy] {
        struct Set: Decodable { let policies: [SecurityPolicy] }
        let set: Set = try await call("GET", "/api/v1/policies", body: nil, expecting: 200)
        return set.policies
    }

    /// Makes `policies` the policies in force, or says what that would change.
    func apply(_ policies: [SecurityPolicy], dryRun: Bool) async throws -> PolicyChanges {
        struct Set: Encodable { let policies: [SecurityPolicy] }
        return try await call(
            "PUT", "/api/v1/policies" + (dryRun ? "?dryRun=true" : ""),
            body: try VigilJSON.makeEncoder().encode(Set(policies: policies)), expecting: 200)
    }

    /// Follows a fleet evaluation until it ends, showing its progress.
    func waitForEvaluation(_ id: String) async throws -> FleetEvaluationJob {
        let line = ProgressLine()
        while true {
            let job: FleetEvaluationJob = try await call("GET", "/api/v1/policy-evaluations/\(id)", body: nil, expecting: 200)
            switch job.state {
            case .done:
                line.show("Evaluated \(job.evaluated) devices.", final: true)
                return job
            case .failed: throw CommandFailure("the fleet evaluation failed: \(job.error ?? "no detail")")
            case .queued, .running:
                line.show("Evaluating the fleet: \(job.evaluated) devices so far…")
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
