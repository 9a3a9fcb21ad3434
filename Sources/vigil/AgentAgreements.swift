import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

extension AgentCommand {
    /// `vigil agent agreements`.
    struct Agreements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the BYOD agreements this device's person must accept, and accept them.",
            discussion: """
                A personal (BYOD) device reaches PHI only once its person has accepted the organization's \
                current acceptable-use and privacy documents. Without --accept, prints each document with \
                where the person stands; with --accept, prints the texts not yet accepted and accepts them \
                on this device, as the person reading them here.
                  vigil agent agreements --state-dir vigil-agent
                  vigil agent agreements --state-dir vigil-agent --accept
                """)

        @OptionGroup var state: StateOptions

        @Flag(help: "Accept every document not accepted yet, after printing its text.")
        var accept = false

        func run() async throws {
            do {
                let client = try AgentClient(store: state.store, transport: URLSessionTransport())
                let agreements = try await client.agreements().agreements
                guard !agreements.isEmpty else { return print("No agreement applies to this device.") }
                for agreement in agreements {
                    print("\(agreement.title) (\(agreement.name) version \(agreement.version)): \(Self.describe(agreement))")
                    guard accept, agreement.status != .accepted else { continue }
                    print("\n" + agreement.text + "\n")
                    let answer = try await client.accept(agreement)
                    print("Accepted \(agreement.name) version \(agreement.version) at \(RFC3339.format(answer.acceptedAt)): "
                        + "access \(answer.access.state.rawValue)"
                        + (answer.access.reasons.isEmpty ? "" : " (\(answer.access.reasons.joined(separator: "; ")))"))
                }
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
        }

        static func describe(_ agreement: AgreementToAccept) -> String {
            switch agreement.status {
            case .accepted: "accepted"
            case .inGracePeriod: "an earlier version is accepted, which counts until \(RFC3339.format(agreement.graceUntil ?? Date()))"
            case .missing: "not accepted: PHI access waits for it"
            }
        }
    }
}
