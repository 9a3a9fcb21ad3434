import Crypto
import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The facts the collection matrix governs are stored and read back alike on every backend.
@Suite struct DeviceConformancePrivacyTests {
    /// Enrolls a device of `ownership` with a phone number and hardware identifiers.
    static func enroll(
        _ ownership: Ownership, identifiers: [String], in store: any VigilStore
    ) async throws -> Device {
        let person = Fixtures.person(.clinician)
        try await store.createPerson(person, audit: Fixtures.audit("test.person"))
        let (invitation, code) = Fixtures.invitation(for: person, ownership: ownership)
        try await store.createInvitation(invitation, codeHash: code.hash, audit: Fixtures.audit("test.invitation"))
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
        let proof = Base64URL.encode(try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey)))
        let facts = DeviceFacts(
            platform: .android, model: "Pixel 8", osVersion: "15", hardwareID: "SN-7", phoneNumber: "+44 20 7946 0000",
            hardwareIdentifiers: identifiers)
        return try await store.enrollDevice(
            codeHash: code.hash,
            admit: { found, person in
                try Enrollment.admit(
                    invitation: found, person: person, code: code, facts: facts, publicKey: publicKey, proof: proof,
                    at: Fixtures.now)
            },
            audit: { device in Fixtures.audit("device.enroll", target: .device(device.id)) })
    }

    @Test(arguments: StoreBackend.available)
    func phoneNumbersAndHardwareIdentifiersRoundTrip(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            // Order is kept, and texts that need escaping in JSON come back unchanged.
            let identifiers = ["IMEI 490154203237518", #"MAC "02:00:00:00:00:01""#, "MEID/A0\\1"]
            let corporate = try await Self.enroll(.corporate, identifiers: identifiers, in: store)
            #expect(corporate.hardwareIdentifiers == identifiers && corporate.phoneNumber == "+44 20 7946 0000")
            #expect(try await store.device(id: corporate.id) == corporate)

            let personal = try await Self.enroll(.byod, identifiers: identifiers, in: store)
            let stored = try #require(try await store.device(id: personal.id))
            #expect(stored.phoneNumber == nil && stored.hardwareIdentifiers.isEmpty && stored.hardwareID == nil)

            let changed = try await store.updateDevice(id: corporate.id, audit: Fixtures.audit("device.update")) { device in
                device.phoneNumber = nil
                device.hardwareIdentifiers = ["IMEI-2"]
            }
            #expect(try await store.device(id: corporate.id) == changed)
            #expect(try await store.allDevices(DeviceFilter(ownership: .corporate), sort: .enrolledAt) == [changed])
            #expect(try await store.evaluationSubject(deviceID: corporate.id, at: Fixtures.now)?.device == changed)
        }
    }

    @Test(arguments: StoreBackend.available)
    func postureLocationsAndPersonalAppsRoundTripWithoutGrowingTheHistory(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let device = try await Self.enroll(.corporate, identifiers: [], in: store)
            let time = Fixtures.now
            var posture = Fixtures.posture()
            posture.location = PostureLocation(
                latitude: -33.856_784, longitude: 151.215_297, horizontalAccuracyMeters: 8.5, recordedAt: time)
            posture.personalApps = ["com.example.diary", "org.example.chess"]
            _ = try await store.recordCheckIns([DeviceCheckIn(deviceID: device.id, posture: posture, at: time)])
            #expect(try await store.device(id: device.id)?.posture == posture)

            // Moving is not a change of posture: the latest holds the new place, the history keeps one entry.
            var moved = posture
            moved.location?.latitude = -33.9
            moved.location?.recordedAt = time.addingTimeInterval(60)
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: device.id, posture: moved, at: time.addingTimeInterval(60))
            ])
            #expect(try await store.device(id: device.id)?.posture?.location == moved.location)
            #expect(try await store.postureHistory(deviceID: device.id, .first).items.map(\.posture) == [posture])

            // Installing a personal app is.
            var installed = moved
            installed.personalApps?.append("com.example.game")
            _ = try await store.recordCheckIns([
                DeviceCheckIn(deviceID: device.id, posture: installed, at: time.addingTimeInterval(120))
            ])
            #expect(
                try await store.postureHistory(deviceID: device.id, .first).items.map(\.posture) == [installed, posture])
        }
    }
}
