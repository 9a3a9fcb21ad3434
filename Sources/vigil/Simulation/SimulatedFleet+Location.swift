import Foundation
import VigilAgent
import VigilCore

extension SimulatedFleet {
    /// Reports where `member` is on `course` now, in one fix, and records it.
    /// - Parameter seconds: Seconds since the course began.
    /// - Returns: The server's answer, or `nil` when the report failed.
    static func reportLocation(
        _ member: Member, course: FleetCourse, at seconds: Double, recorder: LatencyRecorder
    ) async -> LocationReportResponse? {
        let fix = course.fix(ofDevice: member.index, at: seconds)
        return await recorder.timing { try await member.client.reportLocation([fix]) }
    }

    /// Each device checks in once (so that its compliance is evaluated), then reports its place on
    /// `course` every `interval` seconds (± 10%, first at a random moment within the first
    /// interval) until `deadline`, and checks in again whenever the server's check-in interval has
    /// passed.
    /// - Parameters:
    ///   - start: When the course began.
    ///   - onChange: Called with a line each time a device's person place or access state changes.
    func runMoving(
        course: FleetCourse, interval: Double, start: ContinuousClock.Instant, until deadline: ContinuousClock.Instant,
        checkIns: LatencyRecorder, reports: LatencyRecorder, onChange: @escaping @Sendable (String) -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(member.index) &+ 0x10CA7E &+ SimulatedDevice.seedStep)
                    var checkInsSent = 0
                    var nextCheckIn = ContinuousClock.now
                    var outlook: DeviceOutlook?
                    var delay = interval * Double(random.next() % 1000) / 1000
                    while true {
                        if ContinuousClock.now >= nextCheckIn {
                            let answer = await Self.checkIn(member, number: checkInsSent, recorder: checkIns)
                            checkInsSent += 1
                            nextCheckIn = ContinuousClock.now + .seconds(answer?.nextCheckInSeconds ?? 60)
                        }
                        let wake = ContinuousClock.now + .milliseconds(Int(delay * 1000))
                        guard wake < deadline else { return }
                        try? await Task.sleep(until: wake)
                        if let answer = await Self.reportLocation(
                            member, course: course, at: Self.seconds(since: start), recorder: reports)
                        {
                            let seen = DeviceOutlook(answer)
                            if let line = seen.change(from: outlook, deviceID: member.client.deviceID) { onChange(line) }
                            outlook = seen
                        }
                        delay = interval * (0.9 + 0.2 * Double(random.next() % 1000) / 1000)
                    }
                }
            }
        }
    }
}
