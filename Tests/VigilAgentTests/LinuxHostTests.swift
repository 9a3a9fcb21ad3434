import Foundation
import Testing
import VigilAgent
import VigilCore

@Suite struct LinuxHostTests {
    /// A fake root directory holding `files`, removed by the caller.
    static func root(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-host-\(UUID().uuidString)")
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return root
    }

    @Test func thisHostsPosturePassesValidation() async throws {
        let posture = await LinuxPostureProvider().currentPosture()
        #expect(try posture.validated() == posture)
        #expect(posture.agentVersion == VigilAgentVersion.current)
        #expect(posture.passcodeSet == nil && posture.storageEncrypted == nil && posture.jailbroken == nil)
        #expect(posture.screenLockTimeoutSeconds == nil && posture.securityPatchDate == nil)
        #expect(LinuxHost().facts.platform == .linux)
    }

    @Test func factsComeFromTheSystemFiles() throws {
        let root = try Self.root([
            "etc/os-release": """
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                """,
            "sys/class/dmi/id/product_name": "ThinkPad X1 Carbon\n",
            "sys/class/dmi/id/product_serial": "PF-123456\n",
            "proc/sys/kernel/hostname": "ward7-cart\n",
            "sys/class/power_supply/AC/type": "Mains\n",
            "sys/class/power_supply/BAT0/type": "Battery\n",
            "sys/class/power_supply/BAT0/capacity": "83\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let host = LinuxHost(root: root)
        #expect(host.facts == DeviceFacts(
            platform: .linux, model: "ThinkPad X1 Carbon", osVersion: "Debian GNU/Linux 12 (bookworm)",
            hardwareID: "PF-123456", name: "ward7-cart"))
        #expect(host.batteryPercent == 83)
    }

    @Test func missingFactsStayUnknown() async throws {
        let root = try Self.root([
            "usr/lib/os-release": "NAME='Alpine Linux'\nVERSION_ID=3.20.1\n",
            "sys/class/power_supply/AC/type": "Mains\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let host = LinuxHost(root: root)
        #expect(host.facts == DeviceFacts(platform: .linux, model: "Linux host", osVersion: "Alpine Linux 3.20.1"))
        let posture = await LinuxPostureProvider(host: host).currentPosture()
        #expect(posture.batteryPercent == nil)
        #expect(try posture.validated() == posture)
    }

    @Test func withoutOSReleaseTheKernelReleaseIsTheVersion() throws {
        let root = try Self.root(["proc/sys/kernel/osrelease": "6.8.0-45-generic\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(LinuxHost(root: root).osVersion == "Linux 6.8.0-45-generic")
    }
}
