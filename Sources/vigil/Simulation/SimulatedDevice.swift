import Foundation
import VigilAgent
import VigilCore

/// A made-up device with a believable, varied posture. About one in six is noncompliant in one
/// way or another (an old patch, no passcode, a rooted phone, no encryption, a slow screen lock),
/// so that policies have something to find.
struct SimulatedDevice: Sendable {
    let ownership: Ownership
    let deviceClass: DeviceClass
    let facts: DeviceFacts
    let flaw: PostureFlaw?

    struct Model {
        let platform: Platform
        let name: String
        let osVersions: [String]
        let deviceClass: DeviceClass
    }

    static let models = [
        Model(platform: .ios, name: "iPhone 15", osVersions: ["17.6.1", "18.1", "18.2"], deviceClass: .phone),
        Model(platform: .android, name: "Pixel 8", osVersions: ["14", "15"], deviceClass: .phone),
        Model(platform: .android, name: "Zebra TC53", osVersions: ["13", "14"], deviceClass: .phone),
        Model(platform: .ipados, name: "iPad (10th generation)", osVersions: ["17.7", "18.1"], deviceClass: .tablet),
        Model(platform: .windows, name: "Latitude 5440", osVersions: ["10.0.22631"], deviceClass: .pc),
        Model(platform: .watchos, name: "Apple Watch Series 9", osVersions: ["10.6", "11.1"], deviceClass: .wearable),
    ]

    /// The `index`th device of a simulated fleet: the same index gives the same device.
    /// - Parameter misbehaving: A flaw every device reports, instead of one device in six.
    init(index: Int, misbehaving: PostureFlaw? = nil) {
        var random = SplitMix64(seed: UInt64(index) &+ Self.seedStep)
        let model = Self.models[Int(random.next() % UInt64(Self.models.count))]
        let roll = random.next() % 100
        ownership = roll < 60 ? .corporate : roll < 85 ? .byod : .shared
        deviceClass = model.deviceClass
        facts = DeviceFacts(
            platform: model.platform, model: model.name,
            osVersion: model.osVersions[Int(random.next() % UInt64(model.osVersions.count))],
            hardwareID: String(format: "SIM%08d", index), name: "Simulated \(model.name) \(index)")
        let drawn = random.next() % 6 == 0
            ? PostureFlaw.allCases[Int(random.next() % UInt64(PostureFlaw.allCases.count))] : nil
        flaw = misbehaving ?? drawn
    }

    /// The posture of this device's next check-in; the battery drains a little each time.
    func posture(checkIn: Int) -> Posture {
        let hasScreen = deviceClass != .medicalDevice
        var posture = Posture(
            osVersion: facts.osVersion, securityPatchDate: "2026-11-01", passcodeSet: hasScreen ? true : nil,
            passcodeLengthClass: hasScreen ? .medium : nil, storageEncrypted: true, jailbroken: false,
            screenLockTimeoutSeconds: hasScreen ? 120 : nil, agentVersion: "0.1.0",
            batteryPercent: max(5, 100 - checkIn % 96),
            managedApps: [
                ManagedApp(id: "org.hospital.ehr", version: "4.2.0"),
                ManagedApp(id: "org.hospital.securechat", version: "2.8.1"),
            ])
        flaw?.apply(to: &posture)
        return posture
    }
}

extension SimulatedDevice {
    /// Added to every seed of the simulator: its fleets keep the sequences of the generator it
    /// had before SplitMix64 moved to VigilCore, which started one step further. The command
    /// tests count on the fleet's fixed mix (which devices are BYOD, which misbehave).
    static let seedStep: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The state the simulated agent manages: the hospital's apps with a cached chart and its
    /// key, and for a personal device some personal files that no command touches.
    func managedState(index: Int) -> ManagedState {
        ManagedState(
            managedApps: ["org.hospital.ehr", "org.hospital.securechat"], phiRecords: ["chart-cache-\(index)"],
            phiKeys: ["phi-key-\(index)"], personalFiles: ownership == .byod ? ["photos", "messages"] : [])
    }

    /// Where the device lies when asked to locate it: in the demo hospital's main building, a
    /// few metres from the next device, with a GPS-like accuracy.
    func restingFix(index: Int, at time: Date) -> LocationFix {
        LocationFix(
            latitude: 39.8000 + Double(index % 100) * 0.000_01, longitude: -89.6510 + Double(index / 100 % 100) * 0.000_01,
            accuracyMeters: 10, recordedAt: time, source: .gps)
    }

    /// A simulated device has a speaker unless it is a medical device.
    var canPlaySound: Bool { deviceClass != .medicalDevice }
}
