import Foundation
import Testing

/// `vigil agent privacy` prints the device's privacy notice, as the server composes it.
@Suite struct AgentPrivacyCommandTests {
    @Test func theAgentPrintsWhatTheHospitalMaySee() async throws {
        let directory = Vigil.temporaryDirectory()
        let token = "privacy-test-bootstrap-token-\(UUID().uuidString)"
        let server = try Vigil.start(
            ["serve", "--data-dir", directory, "--port", "0"], environment: ["VIGIL_BOOTSTRAP_TOKEN": token])
        defer { server.process.terminate() }
        let port = try await server.waitForPort()
        let url = try await FleetCommandTests.invitationURL(base: "http://127.0.0.1:\(port)", token: token)
        let state = directory + "/agent"
        #expect(try Vigil.run(["agent", "enroll", "--url", url, "--state-dir", state]).status == 0)

        let privacy = try Vigil.run(["agent", "privacy", "--state-dir", state])
        #expect(privacy.status == 0, "\(privacy.stderr)")
        let text = privacy.stdout
        #expect(text.hasPrefix("What the hospital may see on this device\nThis device belongs to the hospital"))
        #expect(text.contains("  Precise location: Collected; seen by administrators, security officers and auditors, and by you."))
        #expect(text.contains("  yes Erase the whole device (full wipe):"))
        #expect(text.contains("  no  Read your personal data: Never"))
        #expect(text.contains("  - Your messages"))

        // The corporate device was approved at enrollment: it is provisioned (no policy, no app yet).
        let provisioning = try Vigil.run(["agent", "provisioning", "--state-dir", state])
        #expect(provisioning.status == 0, "\(provisioning.stderr)")
        #expect(provisioning.stdout == "Policies:\n  none\nManaged apps:\n  none\n")

        let unenrolled = try Vigil.run(["agent", "privacy", "--state-dir", directory + "/nobody"])
        #expect(unenrolled.status != 0)
    }
}
