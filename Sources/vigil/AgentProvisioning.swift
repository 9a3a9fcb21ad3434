import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

extension AgentCommand {
    /// `vigil agent provisioning`.
    struct Provisioning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what this device is provisioned with once approved: its policies and managed apps.",
            discussion: """
                Approval provisions a device: the security policies that govern it, the requirements they \
                add up to, and the managed apps of the catalog in its scope (apps that handle PHI only once \
                approved for PHI). Refused while the device waits for approval or was denied.
                  vigil agent provisioning --state-dir vigil-agent
                """)

        @OptionGroup var state: StateOptions

        func run() async throws {
            do {
                let client = try AgentClient(store: state.store, transport: URLSessionTransport())
                print(Self.text(try await client.provisioning()), terminator: "")
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
        }

        /// The provisioning as plain text.
        static func text(_ provisioning: VigilCore.Provisioning) -> String {
            let policies = provisioning.policies.map { "  \($0.name) (version \($0.version))" }
            let apps = provisioning.managedApps.map { app in
                "  \(app.name) (\(app.id)): \(app.required ? "required" : "offered")\(app.handlesPHI ? ", handles PHI" : "")"
            }
            return (["Policies:"] + (policies.isEmpty ? ["  none"] : policies)
                + ["Managed apps:"] + (apps.isEmpty ? ["  none"] : apps)).joined(separator: "\n") + "\n"
        }
    }
}
