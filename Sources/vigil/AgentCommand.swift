import ArgumentParser
import Foundation
import VigilAgent
import VigilAgentWebSocket
import VigilCore

/// `vigil agent`: the device agent for this Linux host.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Enroll this Linux host as a device of a Vigil server and check in with it.",
        discussion: """
            Enroll once with the link or code of an enrollment invitation, then keep checking in:
              vigil agent enroll --url 'http://vigil.example.org:8080/enroll?code=K7QF2-9M2XA-4D8HN-1TBPC'
              vigil agent run
            The device's identity, including its private key, is kept in ./vigil-agent/identity.json \
            (mode 0600) unless --state-dir says otherwise.
            """,
        subcommands: [
            Enroll.self, Run.self, Location.self, Emergency.self, Agreements.self, Provisioning.self, Privacy.self,
        ])

    /// Where the agent keeps its identity: the option every subcommand shares.
    struct StateOptions: ParsableArguments {
        @Option(
            name: .customLong("state-dir"),
            help: "Directory for the device's identity (env: VIGIL_AGENT_STATE_DIR; default: ./vigil-agent).")
        var stateDirectory: String?

        /// The identity's store: the flag, else `VIGIL_AGENT_STATE_DIR`, else `./vigil-agent`.
        var store: AgentStateStore {
            let path = stateDirectory ?? Environment.value("VIGIL_AGENT_STATE_DIR") ?? "vigil-agent"
            return AgentStateStore(directory: URL(fileURLWithPath: path))
        }
    }

    /// `vigil agent enroll`.
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enroll this host with an invitation's code and store its new identity.",
            discussion: """
                Give the enrollment link the administrator received:
                  vigil agent enroll --url 'http://vigil.example.org:8080/enroll?code=K7QF2-9M2XA-4D8HN-1TBPC'
                or the server and the code separately:
                  vigil agent enroll --server http://vigil.example.org:8080 --code K7QF2-9M2XA-4D8HN-1TBPC
                The host makes its own key pair; only the public key leaves it. A code works once. \
                Refuses when the state directory holds an identity already.
                """)

        @OptionGroup var state: StateOptions

        @Option(help: "The enrollment link, http(s)://host:port/enroll?code=… (env: VIGIL_ENROLLMENT_URL).")
        var url: String?

        @Option(help: "The Vigil server's URL, such as https://vigil.example.org (env: VIGIL_SERVER_URL).")
        var server: String?

        @Option(help: "The invitation's code, with or without dashes (env: VIGIL_ENROLLMENT_CODE).")
        var code: String?

        func run() async throws {
            let (serverURL, code) = try enrollmentTarget()
            let store = state.store
            let host = LinuxHost()
            let response: EnrollmentResponse
            do {
                (_, response) = try await AgentClient.enroll(
                    serverURL: serverURL, code: code, facts: host.facts, store: store, transport: URLSessionTransport())
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
            print("Enrolled as \(response.deviceID) (\(response.ownership.rawValue) \(response.deviceClass.rawValue)).")
            if response.approval != .approved {
                print("Approval is \(response.approval.rawValue): an administrator must approve this device.")
            }
            print("Identity stored in \(store.identityPath).")
            print("Check in with: vigil agent run --state-dir \(store.directory.path)")
        }

        /// The server and code, from --url or from --server and --code (or their variables).
        func enrollmentTarget() throws -> (URL, String) {
            let link = url ?? Environment.value("VIGIL_ENROLLMENT_URL")
            let server = server ?? Environment.value("VIGIL_SERVER_URL")
            let code = code ?? Environment.value("VIGIL_ENROLLMENT_CODE")
            if let link {
                guard server == nil, code == nil else {
                    throw ArgumentParser.ValidationError("give either --url or --server and --code, not both")
                }
                return try Self.parse(link: link)
            }
            guard let server, let code else {
                throw ArgumentParser.ValidationError("give --url, or both --server and --code")
            }
            guard let serverURL = URL(string: server) else {
                throw ArgumentParser.ValidationError("--server '\(server)' is not a URL")
            }
            return (serverURL, code)
        }

        /// The server (scheme, host and port) and the code of an enrollment link.
        static func parse(link: String) throws -> (URL, String) {
            guard var components = URLComponents(string: link), components.host?.isEmpty == false,
                let code = components.queryItems?.first(where: { $0.name == "code" })?.value
            else {
                throw ArgumentParser.ValidationError(
                    "--url must be an enrollment link such as http://vigil.example.org:8080/enroll?code=K7QF2-…")
            }
            components.path = ""
            components.query = nil
            components.fragment = nil
            components.user = nil
            components.password = nil
            guard let serverURL = components.url else {
                throw ArgumentParser.ValidationError("--url does not name a server")
            }
            return (serverURL, code)
        }
    }

    /// `vigil agent run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check in with the server now and then on its schedule, printing one line per check-in.",
            discussion: """
                Reports the host's posture (OS version, battery, agent version) and prints the server's \
                answer: approval, compliance, access and when the next check-in is due. Failures are \
                retried with exponential backoff (up to 15 minutes) and reported on standard error. \
                Keeps the push channel (a WebSocket) open, reconnecting with backoff and jitter, so that \
                commands arrive at once; commands also come with check-ins. Each command is executed on \
                the state the agent manages (kept in managed-state.json beside the identity: the lock, \
                lost mode, the PHI block, managed apps, what a wipe erased), answered, and printed. This \
                host has no location source or speaker: locate and play_sound fail with the reason. \
                Stops with a non-zero status when the device is retired or wiped.
                  vigil agent run --state-dir /var/lib/vigil-agent
                  vigil agent run --once    # one check-in; non-zero status when it fails
                """)

        @OptionGroup var state: StateOptions

        @Flag(help: "Check in once and exit; exit non-zero when the check-in fails.")
        var once = false

        @Flag(help: "Do not keep the push channel open: commands arrive with check-ins only.")
        var noPush = false

        @Option(
            help: ArgumentHelp(
                "Report the posture with this flaw, to watch the device turn noncompliant (repeatable): \(PostureFlaw.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "flaw"))
        var misbehave: [PostureFlaw] = []

        func run() async throws {
            let client: AgentClient
            do {
                client = try AgentClient(store: state.store, transport: URLSessionTransport())
            } catch let error as AgentError {
                throw CommandFailure(error.description)
            }
            let provider = MisbehavingPostureProvider(base: LinuxPostureProvider(), flaws: misbehave)
            if once {
                do {
                    let response = try await client.checkIn(await provider.currentPosture())
                    print(Self.line(response, nextIn: TimeInterval(response.nextCheckInSeconds)))
                } catch {
                    throw CommandFailure("check-in failed: \(Self.reason(error))")
                }
                return
            }
            let store = state.store
            let commands = CommandRunner(
                client: client, state: try store.loadManagedState(), locationSource: nil, canPlaySound: false,
                save: { try store.saveManagedState($0) })
            Self.printError("Checking in as \(client.deviceID) with \(client.serverURL.absoluteString); Ctrl-C stops.")
            let push = noPush ? nil : Task {
                await commands.runPush(over: WebSocketPushTransport(), onEvent: { event in
                    switch event {
                    case .executed(let command, let outcome): print(Self.line(command, outcome))
                    case .connected: Self.printError("push channel open")
                    case .disconnected(let error, let delay):
                        Self.printError("push channel closed: \(Self.reason(error)); reconnecting in \(Self.duration(delay))")
                    case .accessChanged(let access): print("\(RFC3339.format(Date())) access \(access.state.rawValue)")
                    case .stopped, .lockedForInactivity, .leftBehind: break
                    }
                })
            }
            await AgentRunner(client: client, postureProvider: provider, commands: commands).run { event in
                switch event {
                case .checkedIn(let response, let delay): print(Self.line(response, nextIn: delay))
                case .failed(let error, let delay):
                    Self.printError("check-in failed: \(Self.reason(error)); retrying in \(Self.duration(delay))")
                case .retired: Self.printError(AgentError.retired.description)
                case .executed(let command, let outcome): print(Self.line(command, outcome))
                }
            }
            push?.cancel()
            throw ExitCode.failure
        }

        /// One line about a check-in's answer.
        static func line(_ response: CheckInResponse, nextIn delay: TimeInterval) -> String {
            let reasons = response.access.reasons.isEmpty ? "" : " (\(response.access.reasons.joined(separator: "; ")))"
            let failing = response.failingRequirements.flatMap { $0.isEmpty ? nil : $0 }
                .map { " (failing: \($0.joined(separator: ", ")))" } ?? ""
            let grant = response.grant.map { ", grant until \(RFC3339.format($0.expiresAt))" } ?? ""
            return "\(RFC3339.format(Date())) checked in: approval \(response.approval.rawValue), "
                + "compliance \(response.compliance.rawValue)\(failing), access \(response.access.state.rawValue)\(reasons)\(grant), "
                + "next check-in in \(duration(delay))"
        }

        /// One line about a command the agent executed.
        static func line(_ command: PendingCommand, _ outcome: CommandOutcome) -> String {
            "\(RFC3339.format(Date())) \(command.type) \(command.id): \(outcome.status.rawValue)"
                + (outcome.detail.map { " (\($0))" } ?? "")
        }

        /// Why a check-in failed, for a person to read.
        static func reason(_ error: any Error) -> String {
            switch error {
            case let error as VigilCore.ValidationError: "the posture's \(error.field) \(error.message)"
            default: String(describing: error)
            }
        }

        /// Seconds as `14m 3s`.
        static func duration(_ seconds: TimeInterval) -> String {
            let whole = Int(seconds.rounded())
            return whole < 60 ? "\(whole)s" : "\(whole / 60)m \(whole % 60)s"
        }

        static func printError(_ line: String) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

extension PostureFlaw: ExpressibleByArgument {}
