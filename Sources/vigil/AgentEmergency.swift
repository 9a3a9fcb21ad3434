import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

extension AgentCommand {
    /// `vigil agent emergency`.
    struct Emergency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invoke emergency access (break-glass) on this device, with a reason.",
            discussion: """
                Grants PHI access for a short fixed time (30 minutes by default) whatever the device's \
                compliance, and alerts security officers, who review every emergency access. Never \
                applies to a lost, stolen, retired or denied device. Prints the emergency grant's expiry.
                  vigil agent emergency --reason "Code blue on ward 4; chart needed now"
                """)

        @OptionGroup var state: StateOptions

        @Option(help: "Why, in 10 to 500 characters; recorded in the audit trail for review. Name no patient in it.")
        var reason: String

        func run() async throws {
            do {
                let client = try AgentClient(store: state.store, transport: URLSessionTransport())
                let answer = try await client.invokeEmergencyAccess(reason: reason)
                print("Emergency access \(answer.emergencyID) until \(RFC3339.format(answer.expiresAt)): access \(answer.access.state.rawValue)"
                    + (answer.grant.map { ", emergency grant until \(RFC3339.format($0.expiresAt))" } ?? "")
                    + (answer.access.reasons.isEmpty ? "" : " (\(answer.access.reasons.joined(separator: "; ")))"))
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
        }
    }
}
