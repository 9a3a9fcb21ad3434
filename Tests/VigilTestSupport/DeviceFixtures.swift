import Crypto
import Foundation
import VigilCore
import VigilStore

extension Fixtures {
    /// An invitation for `person` and its code, valid for a day unless told otherwise.
    public static func invitation(
        for person: Person, ownership: Ownership = .corporate, deviceClass: DeviceClass = .phone,
        expiresAt: Date? = nil, at time: Date = now
    ) -> (invitation: EnrollmentInvitation, code: EnrollmentCode) {
        let invitation = EnrollmentInvitation(
            id: .generate(at: time), personID: person.id, facilityID: nil, ownership: ownership,
            deviceClass: deviceClass, medicalKind: deviceClass == .medicalDevice ? .cpap : nil, note: nil,
            createdBy: nil, createdAt: time, expiresAt: expiresAt ?? time.addingTimeInterval(86_400))
        return (invitation, EnrollmentCode.generate())
    }

    /// A posture of a well-kept phone.
    public static func posture(osVersion: String = "17.5", agentVersion: String = "0.1.0") -> Posture {
        Posture(
            osVersion: osVersion, securityPatchDate: "2026-11-01", passcodeSet: true, passcodeLengthClass: .medium,
            storageEncrypted: true, jailbroken: false, screenLockTimeoutSeconds: 120, agentVersion: agentVersion,
            batteryPercent: 80, managedApps: [ManagedApp(id: "org.hospital.ehr", version: "4.2.0")])
    }

    /// Stores `person` if needed, an invitation for them, and enrolls a device with it through
    /// the real enrollment rule and a fresh Ed25519 key.
    /// - Returns: The device and its private key.
    @discardableResult
    public static func enrollDevice(
        for person: Person, ownership: Ownership = .corporate, deviceClass: DeviceClass = .phone,
        hardwareID: String? = "SN-1", in store: any VigilStore, at time: Date = now
    ) async throws -> (device: Device, key: Curve25519.Signing.PrivateKey) {
        if try await store.person(id: person.id) == nil {
            try await store.createPerson(person, audit: audit("test.person"))
        }
        let (invitation, code) = invitation(for: person, ownership: ownership, deviceClass: deviceClass, at: time)
        try await store.createInvitation(invitation, codeHash: code.hash, audit: audit("test.invitation"))
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
        let proof = Base64URL.encode(try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey)))
        let facts = DeviceFacts(platform: .ios, model: "iPhone 15", osVersion: "17.5", hardwareID: hardwareID)
        let device = try await store.enrollDevice(
            codeHash: code.hash,
            admit: { found, person in
                try Enrollment.admit(
                    invitation: found, person: person, code: code, facts: facts, publicKey: publicKey, proof: proof, at: time)
            },
            audit: { device in audit("device.enroll", target: .device(device.id), at: time) })
        return (device, key)
    }
}
