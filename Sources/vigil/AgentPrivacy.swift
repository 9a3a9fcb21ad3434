import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

extension AgentCommand {
    /// `vigil agent privacy`.
    struct Privacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the hospital may see on this device, and what it can do to it.",
            discussion: """
                Prints the device's privacy notice as the server composes it from its configuration in \
                force: each fact it collects or never collects and who sees it, what it collects from every \
                device, what the hospital can and cannot do to the device (lock, wipe…), the BYOD agreements \
                of the device's person and the security requirements that apply.
                  vigil agent privacy --state-dir vigil-agent
                """)

        @OptionGroup var state: StateOptions

        func run() async throws {
            do {
                let client = try AgentClient(store: state.store, transport: URLSessionTransport())
                print(Self.text(try await client.privacyNotice()), terminator: "")
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
        }

        /// The notice as plain text, one section after another.
        static func text(_ notice: PrivacyNotice) -> String {
            var lines = [
                "What the hospital may see on this device",
                notice.summary,
                "\(notice.model) (\(notice.platform.rawValue) \(notice.deviceClass.rawValue), "
                    + "\(notice.ownership.rawValue)), \(notice.deviceID)",
                "",
                "Collected, and who sees it:",
            ]
            lines += notice.fields.map { "  \($0.title): \($0.detail)" }
            lines += ["", "Collected from every device:"] + notice.alwaysCollected.map { "  - \($0.title)" }
            lines += ["", "Never collected from any device:"] + notice.neverCollected.map { "  - \($0.title)" }
            lines += ["", "What the hospital can and cannot do:"]
            lines += notice.actions.map { "  \($0.allowed ? "yes" : "no ") \($0.title): \($0.detail)" }
            if !notice.agreements.isEmpty {
                lines += ["", "Agreements:"]
                lines += notice.agreements.map { agreement in
                    let standing =
                        switch agreement.status {
                        case .accepted: "accepted"
                        case .inGracePeriod:
                            "an earlier version is accepted, which counts until "
                                + (agreement.acceptBy.map(RFC3339.format) ?? "the end of its grace period")
                        case .missing: "not accepted yet"
                        }
                    return "  \(agreement.title) (version \(agreement.version)): \(standing)"
                }
            }
            lines += ["", "Security requirements:"]
            lines += notice.requirements.isEmpty
                ? ["  No security policy asks anything of this device."]
                : notice.requirements.map { requirement in
                    let met = requirement.met.map { $0 ? ", met" : ", not met" } ?? ""
                    return "  \(requirement.title): \(requirement.expected) "
                        + "(policy \(requirement.policy.name) version \(requirement.policy.version)\(met))"
                }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
