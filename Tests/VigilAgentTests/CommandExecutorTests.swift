import Foundation
import Testing
import VigilAgent
import VigilCore

/// The agent executes every command kind on the state it manages and says what it did.
@Suite struct CommandExecutorTests {
    static let everything = CommandExecutor(capabilities: .init(canLocate: true, canPlaySound: true))
    static let state = ManagedState(
        managedApps: ["org.hospital.ehr"], phiRecords: ["chart"], phiKeys: ["key"], personalFiles: ["photos"])

    static func run(_ type: String, _ parameters: [String: String] = [:], on state: inout ManagedState,
                    with executor: CommandExecutor = everything) -> CommandExecutor.Execution {
        executor.execute(PendingCommand(id: "cmd_1", type: type, parameters: parameters), on: &state)
    }

    @Test func aLockLocksWithItsMessageAndLostModeShowsTheNumber() {
        var state = Self.state
        let lock = Self.run("lock", ["message": "Return to ward 4"], on: &state)
        #expect(lock.outcome.status == .acknowledged && state.locked && state.lockMessage == "Return to ward 4")
        let lost = Self.run("lost_mode_on", ["message": "Lost", "phone": "+1 555 0100"], on: &state)
        #expect(lost.followUp == .reportLocation && state.lostMode == .init(message: "Lost", phone: "+1 555 0100"))
        _ = Self.run("lost_mode_off", on: &state)
        #expect(state.lostMode == nil)
    }

    @Test func aSelectiveWipeKeepsPersonalFilesAndAFullWipeKeepsNothing() {
        var personal = Self.state
        _ = Self.run("selective_wipe", on: &personal)
        #expect(!personal.holdsPHI && personal.managedApps.isEmpty && personal.personalFiles == ["photos"])
        var hospital = Self.state
        let wipe = Self.run("full_wipe", on: &hospital)
        #expect(wipe.followUp == .stop && hospital == ManagedState(fullyWiped: true))
        let after = Self.run("lock", on: &hospital)
        #expect(after.outcome.status == .failed, "a wiped device takes no more commands")
    }

    @Test func whatTheDeviceCannotDoFailsWithTheReasonAndUnknownKindsToo() {
        var state = Self.state
        let mute = CommandExecutor(capabilities: .init(canLocate: false, canPlaySound: false))
        #expect(Self.run("locate", on: &state, with: mute).outcome.detail == "this device has no location source")
        #expect(Self.run("play_sound", on: &state, with: mute).outcome.status == .failed)
        #expect(Self.run("teleport", on: &state).outcome.status == .failed)
        #expect(state == Self.state)
    }

    @Test func phiIsBlockedAndRestoredAndAppsComeAndGo() {
        var state = Self.state
        _ = Self.run("block_phi", on: &state)
        #expect(state.phiBlocked)
        _ = Self.run("restore_phi", on: &state)
        #expect(!state.phiBlocked)
        _ = Self.run("install_app", ["app": "org.hospital.chat"], on: &state)
        _ = Self.run("remove_app", ["app": "org.hospital.ehr"], on: &state)
        #expect(state.managedApps == ["org.hospital.chat"])
        #expect(Self.run("apply_policy", on: &state).followUp == .refreshProvisioning)
        #expect(Self.run("rotate_credential", on: &state).followUp == .rotateCredential)
        let retired = Self.run("retire", on: &state)
        #expect(retired.followUp == .stop && state.retired && !state.holdsPHI)
    }
}

/// Automatic logoff and the left-behind report fire once per spell of neglect.
@Suite struct PresenceWatchTests {
    @Test func theScreenLocksAfterTheTimeoutAndALeftDeviceIsReportedOnce() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var watch = PresenceWatch(now: start)
        #expect(watch.due(at: start.addingTimeInterval(60), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15).isEmpty)
        #expect(watch.due(at: start.addingTimeInterval(121), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15) == [.lockForInactivity])
        #expect(watch.due(at: start.addingTimeInterval(300), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15).isEmpty)
        let left = watch.due(at: start.addingTimeInterval(900), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15)
        #expect(left == [.reportLeftBehind(stationarySince: start, lastInteractionAt: start)])
        #expect(watch.due(at: start.addingTimeInterval(2_000), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15).isEmpty)
        // Picked up and used: a new spell, which the next neglect reports again.
        watch.interacted(at: start.addingTimeInterval(2_100))
        watch.moved(at: start.addingTimeInterval(2_100))
        #expect(watch.due(at: start.addingTimeInterval(2_150), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15).isEmpty)
        let again = watch.due(at: start.addingTimeInterval(3_100), inactivityLockSeconds: 120, leftBehindAfterMinutes: 15)
        #expect(again.count == 2)
    }

    @Test func aDeviceThatMovesIsNotLeftBehindEvenUntouched() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var watch = PresenceWatch(now: start)
        watch.moved(at: start.addingTimeInterval(800))
        #expect(watch.due(at: start.addingTimeInterval(1_000), inactivityLockSeconds: nil, leftBehindAfterMinutes: 15).isEmpty)
    }
}

/// The push channel's reconnection backoff.
@Suite struct BackoffTests {
    @Test func theCeilingDoublesUpToTheCapAndASuccessResetsIt() {
        var backoff = Backoff(base: 1, cap: 60)
        var generator = SystemRandomNumberGenerator()
        var ceilings: [Double] = []
        for _ in 0..<8 {
            ceilings.append(backoff.ceiling)
            let delay = backoff.delayAfterFailure(using: &generator)
            #expect(delay >= 0 && delay <= ceilings.last!)
        }
        #expect(ceilings == [1, 2, 4, 8, 16, 32, 60, 60])
        backoff.succeeded()
        #expect(backoff.ceiling == 1)
    }
}
