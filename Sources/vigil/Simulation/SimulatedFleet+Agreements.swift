import Foundation
import VigilAgent
import VigilCore

extension SimulatedFleet {
    /// Has every personal device (BYOD, patient-owned) show its person the BYOD agreements they
    /// have not accepted and accept them, one device after another, as a person would on their phone.
    /// - Returns: How many acceptances were sent, and on how many personal devices.
    func acceptAgreements() async throws -> (acceptances: Int, devices: Int) {
        var acceptances = 0
        let personal = members.filter { !$0.profile.ownership.isHospitalOwned }
        for member in personal {
            for agreement in try await member.client.agreements().agreements where agreement.status != .accepted {
                _ = try await member.client.accept(agreement)
                acceptances += 1
            }
        }
        return (acceptances, personal.count)
    }
}
