import Foundation
import VigilAgent
import VigilCore

/// A fleet of simulated devices in one process: each with its own key, identity and session,
/// enrolled through the real protocol with invitations an administrator's token creates.
struct SimulatedFleet: Sendable {
    struct Member: Sendable {
        /// The device's number in the fleet, 0 to one less than the fleet's size.
        let index: Int
        let profile: SimulatedDevice
        let client: AgentClient
        /// Executes the commands the device is given, on its simulated state.
        let runner: CommandRunner
    }

    let members: [Member]

    /// Enrolls `count` devices, `concurrency` at a time, for the token's owner or each for a new
    /// simulated clinician of its own.
    /// - Parameters:
    ///   - misbehaving: A flaw every device reports, instead of one device in six.
    ///   - onePersonPerDevice: Whether each device gets a person of its own (created with the
    ///     token), so that its place is not shared with the rest of the fleet.
    ///   - progress: Called with the number enrolled so far.
    static func enroll(
        count: Int, serverURL: URL, admin: AdminClient, transport: any AgentTransport, concurrency: Int,
        misbehaving: PostureFlaw? = nil, onePersonPerDevice: Bool = false, person: PersonID? = nil,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> SimulatedFleet {
        let owner: PersonID
        if let person { owner = person } else { owner = try await admin.me() }
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let members = try await withThrowingTaskGroup(of: Member.self) { group in
            var members: [Member] = []
            members.reserveCapacity(count)
            var next = 0
            func addTask() {
                let index = next
                next += 1
                group.addTask {
                    let profile = SimulatedDevice(index: index, misbehaving: misbehaving)
                    let personID = onePersonPerDevice ? try await admin.createSimulatedPerson(index: index, run: run) : owner
                    let code = try await admin.invite(
                        personID, ownership: profile.ownership, deviceClass: profile.deviceClass)
                    let (client, _) = try await AgentClient.enroll(
                        serverURL: serverURL, code: code, facts: profile.facts, store: MemoryIdentityStore(),
                        transport: transport)
                    let runner = CommandRunner(
                        client: client, state: profile.managedState(index: index),
                        locationSource: { profile.restingFix(index: index, at: Date()) }, canPlaySound: profile.canPlaySound)
                    return Member(index: index, profile: profile, client: client, runner: runner)
                }
            }
            while next < min(count, concurrency) { addTask() }
            while let member = try await group.next() {
                members.append(member)
                progress(members.count)
                if next < count { addTask() }
            }
            return members
        }
        return SimulatedFleet(members: members)
    }

    /// Each device checks in every `interval` seconds (± 10%, first at a random moment within
    /// the first interval) until `deadline`.
    func runOnSchedule(
        interval: Double, until deadline: ContinuousClock.Instant, recorder: LatencyRecorder,
        onEvent: @escaping @Sendable (Member, CommandRunner.Event) -> Void = { _, _ in }
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, member) in members.enumerated() {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(index) &+ 0xC0FFEE &+ SimulatedDevice.seedStep)
                    var delay = interval * Double(random.next() % 1000) / 1000
                    var checkIns = 0
                    while true {
                        let wake = ContinuousClock.now + .milliseconds(Int(delay * 1000))
                        guard wake < deadline else { return }
                        try? await Task.sleep(until: wake)
                        await Self.checkIn(member, number: checkIns, recorder: recorder) { onEvent(member, $0) }
                        checkIns += 1
                        delay = interval * (0.9 + 0.2 * Double(random.next() % 1000) / 1000)
                    }
                }
            }
        }
    }

    /// `workers` loops send `request` as fast as the server answers, each cycling through its
    /// share of the devices (so that one device's requests never overlap), until `deadline`.
    /// - Parameter request: Sends one device's request of the given round and records it.
    func runFlatOut(
        workers: Int, until deadline: ContinuousClock.Instant,
        _ request: @escaping @Sendable (_ member: Member, _ round: Int) async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<min(workers, members.count) {
                let share = stride(from: worker, to: members.count, by: workers).map { members[$0] }
                group.addTask {
                    var round = 0
                    while ContinuousClock.now < deadline {
                        for member in share where ContinuousClock.now < deadline { await request(member, round) }
                        round += 1
                    }
                }
            }
        }
    }

    /// `workers` loops check in as fast as the server answers, until `deadline`.
    func runFlatOut(workers: Int, until deadline: ContinuousClock.Instant, recorder: LatencyRecorder) async {
        await runFlatOut(workers: workers, until: deadline) { member, round in
            await Self.checkIn(member, number: round, recorder: recorder)
        }
    }

    /// Opens every device's session with one check-in, so that a measurement sees only check-ins.
    func warmUp(workers: Int) async -> LatencySummary {
        let recorder = LatencyRecorder()
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<min(workers, members.count) {
                let share = stride(from: worker, to: members.count, by: workers).map { members[$0] }
                group.addTask {
                    for member in share { await Self.checkIn(member, number: 0, recorder: recorder) }
                }
            }
        }
        return recorder.summary(elapsed: Self.seconds(since: start))
    }

    /// Checks `member` in once and records it.
    /// - Returns: The server's answer, or `nil` when the check-in failed.
    /// Checks in, and executes and answers the commands the check-in brought.
    @discardableResult
    static func checkIn(
        _ member: Member, number: Int, recorder: LatencyRecorder, onEvent: @Sendable (CommandRunner.Event) -> Void = { _ in }
    ) async -> CheckInResponse? {
        let answer = await recorder.timing { try await member.client.checkIn(member.profile.posture(checkIn: number)) }
        if let answer { _ = try? await member.runner.handle(answer, onEvent: onEvent) }
        return answer
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
