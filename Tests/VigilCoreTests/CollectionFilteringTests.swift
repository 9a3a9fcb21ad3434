import Crypto
import Foundation
import Testing
import VigilCore

/// What the collection matrix lets through at enrollment and check-in, the new facts' rules, and
/// which fields each viewer sees.
@Suite struct CollectionFilteringTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    static let plantedFacts = DeviceFacts(
        platform: .android, model: "Pixel 8", osVersion: "15", hardwareID: "SN-PLANTED", name: "Priya's phone",
        phoneNumber: "+1 555 010 0199", hardwareIdentifiers: ["IMEI-490154203237518", "MAC-02:00:00:00:00:01"])

    static let plantedPosture = Posture(
        osVersion: "15", agentVersion: "0.1.0",
        location: PostureLocation(latitude: 48.858_37, longitude: 2.294_481, horizontalAccuracyMeters: 12, recordedAt: Date()),
        personalApps: ["com.example.diary"])

    /// Enrolls a device of `ownership` with ``plantedFacts`` through the real admission rule.
    func admit(_ ownership: Ownership, settings: BYODSettings = BYODSettings(), facts: DeviceFacts = plantedFacts) throws
        -> Device
    {
        let personID = PersonID.generate(at: now)
        let invitation = EnrollmentInvitation(
            id: .generate(at: now), personID: personID, facilityID: nil, ownership: ownership, deviceClass: .phone,
            medicalKind: nil, note: nil, createdBy: nil, createdAt: now, expiresAt: now.addingTimeInterval(3_600))
        let code = EnrollmentCode.generate()
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64URL.encode(key.publicKey.rawRepresentation)
        let proof = Base64URL.encode(try key.signature(for: Enrollment.proofMessage(code: code, publicKey: publicKey)))
        return try Enrollment.admit(
            invitation: invitation, person: EnrollingPerson(status: .active, personalDevicesInService: 0), code: code,
            facts: facts, publicKey: publicKey, proof: proof, settings: settings, at: now)
    }

    @Test func enrollmentKeepsOnlyWhatTheOwnershipMayGive() throws {
        let corporate = try admit(.corporate)
        #expect(corporate.hardwareID == "SN-PLANTED")
        #expect(corporate.phoneNumber == "+1 555 010 0199")
        #expect(corporate.hardwareIdentifiers == ["IMEI-490154203237518", "MAC-02:00:00:00:00:01"])
        #expect(corporate.name == "Priya's phone")

        let personal = try admit(.byod)
        #expect(personal.hardwareID == nil)
        #expect(personal.phoneNumber == nil)
        #expect(personal.hardwareIdentifiers.isEmpty)
        #expect(personal.name == "Priya's phone", "a BYOD device's name is collected by default")

        // What the matrix says, not the ownership, decides: a hospital that never wants corporate phone numbers.
        let strict = BYODSettings(collection: CollectionMatrix([.corporate: [.phoneNumber: .never, .hardwareIdentifiers: .never]]))
        let stricter = try admit(.corporate, settings: strict)
        #expect(stricter.phoneNumber == nil && stricter.hardwareIdentifiers.isEmpty)
        #expect(stricter.hardwareID == "SN-PLANTED")
    }

    @Test func aDroppedFactIsNeverValidated() throws {
        var broken = Self.plantedFacts
        broken.phoneNumber = "call me maybe"
        broken.hardwareIdentifiers = Array(repeating: "X", count: 9)
        #expect(try admit(.byod, facts: broken).phoneNumber == nil, "dropped before anything reads it")
        #expect(throws: ValidationError(field: "facts.phoneNumber", message: "must be a phone number such as +1 555 010 0199")) {
            try admit(.corporate, facts: broken)
        }
        broken.phoneNumber = nil
        #expect(throws: ValidationError(field: "facts.hardwareIdentifiers", message: "must list at most 8 identifiers")) {
            try admit(.corporate, facts: broken)
        }
        broken.hardwareIdentifiers = [" IMEI-1 ", String(repeating: "A", count: 65)]
        #expect(throws: ValidationError(field: "facts.hardwareIdentifiers[1]", message: "must be at most 64 characters")) {
            try admit(.corporate, facts: broken)
        }
        broken.hardwareIdentifiers = [" IMEI-1 "]
        #expect(try admit(.corporate, facts: broken).hardwareIdentifiers == ["IMEI-1"])
    }

    @Test func checkInsKeepOnlyWhatTheOwnershipMayGive() throws {
        let matrix = CollectionMatrix.defaults
        for ownership in [Ownership.byod, .patientOwned] {
            let kept = matrix.collectable(Self.plantedPosture, for: ownership)
            #expect(kept.location == nil && kept.personalApps == nil, "\(ownership)")
            #expect(kept.osVersion == "15" && kept.agentVersion == "0.1.0")
        }
        for ownership in [Ownership.corporate, .shared, .patientIssued] {
            #expect(matrix.collectable(Self.plantedPosture, for: ownership) == Self.plantedPosture, "\(ownership)")
        }
        let noPlace = CollectionMatrix([.corporate: [.preciseLocation: .never]])
        let kept = noPlace.collectable(Self.plantedPosture, for: .corporate)
        #expect(kept.location == nil && kept.personalApps == ["com.example.diary"])

        // Dropped first, a fact that breaks its rule cannot refuse the check-in.
        var broken = Self.plantedPosture
        broken.location?.latitude = 200
        broken.personalApps = Array(repeating: "x", count: 501)
        #expect(try matrix.collectable(broken, for: .byod).validated().location == nil)
        #expect(throws: ValidationError(field: "location.latitude", message: "must be between -90 and 90")) {
            try matrix.collectable(broken, for: .corporate).validated()
        }
    }

    @Test func theNewPostureFactsFollowTheirRules() throws {
        func checked(_ change: (inout Posture) -> Void) throws -> Posture {
            var posture = Self.plantedPosture
            change(&posture)
            return try posture.validated()
        }
        let fix = try checked { $0.location?.recordedAt = Date(timeIntervalSince1970: 1_795_000_000.123_456) }
        #expect(fix.location?.recordedAt == Date(timeIntervalSince1970: 1_795_000_000.123), "stored to the millisecond")
        #expect(throws: ValidationError(field: "location.longitude", message: "must be between -180 and 180")) {
            try checked { $0.location?.longitude = -180.5 }
        }
        #expect(throws: ValidationError(field: "location.horizontalAccuracyMeters", message: "must be between 0 and 100000")) {
            try checked { $0.location?.horizontalAccuracyMeters = -1 }
        }
        #expect(throws: ValidationError(field: "location.latitude", message: "must be between -90 and 90")) {
            try checked { $0.location?.latitude = .nan }
        }
        #expect(throws: ValidationError(field: "personalApps", message: "must list at most 500 apps")) {
            try checked { $0.personalApps = (0...500).map { "app\($0)" } }
        }
        #expect(throws: ValidationError(field: "personalApps[1]", message: "must not be empty")) {
            try checked { $0.personalApps = ["a", " "] }
        }
        #expect(try checked { $0.personalApps = [" a "] }.personalApps == ["a"])
    }

    @Test func aMovingDeviceDoesNotChangeItsLastingFacts() {
        // A posture without the new facts reads as it did before they existed, so no history
        // entry appears for devices that never report them.
        #expect(Posture(osVersion: "17", agentVersion: "0.1.0").lastingFacts == "17\n-\n-\n-\n-\n-\n-\n0.1.0")
        var moved = Self.plantedPosture
        moved.location?.latitude += 0.01
        moved.batteryPercent = 12
        #expect(moved.lastingFacts == Self.plantedPosture.lastingFacts)
        var installed = Self.plantedPosture
        installed.personalApps?.append("com.example.game")
        #expect(installed.lastingFacts != Self.plantedPosture.lastingFacts)
        // A personal app cannot pass for a managed one, or the reverse.
        let managed = Posture(osVersion: "17", agentVersion: "1", managedApps: [ManagedApp(id: "a", version: "1")])
        let personal = Posture(osVersion: "17", agentVersion: "1", personalApps: ["a=1"])
        #expect(managed.lastingFacts != personal.lastingFacts)
        #expect(Posture(osVersion: "17", agentVersion: "1", personalApps: []).lastingFacts
            != Posture(osVersion: "17", agentVersion: "1").lastingFacts)
    }

    @Test func hiddenFieldsAreShownOnlyToSecurityOfficersAndTheDevicesPerson() throws {
        var device = try admit(.patientIssued)
        device.posture = Self.plantedPosture
        let matrix = CollectionMatrix.defaults
        let admin = DeviceViewer(personID: .generate(at: now), roles: [.admin])
        let (seen, hidden) = matrix.visible(device, to: admin)
        #expect(hidden == [.preciseLocation, .phoneNumber])
        #expect(seen.phoneNumber == nil && seen.posture?.location == nil)
        #expect(seen.hardwareID == "SN-PLANTED" && seen.posture?.personalApps == ["com.example.diary"])
        #expect(seen.hardwareIdentifiers == device.hardwareIdentifiers)
        #expect(matrix.visible(device, to: DeviceViewer(personID: admin.personID, roles: [.auditor])).hiddenFields
            == [.preciseLocation, .phoneNumber])

        for viewer in [
            DeviceViewer(personID: .generate(at: now), roles: [.securityOfficer]),
            DeviceViewer(personID: device.personID, roles: [.patient]),
        ] {
            let (shown, none) = matrix.visible(device, to: viewer)
            #expect(shown == device && none.isEmpty)
        }
        let (posture, postureHidden) = matrix.visible(Self.plantedPosture, of: device, to: admin)
        #expect(postureHidden == [.preciseLocation], "a posture names only the hidden facts it holds")
        #expect(posture.location == nil && posture.personalApps != nil)

        // A value kept under an earlier, looser matrix is not shown once the field is never collected.
        var stale = try admit(.corporate)
        stale.posture = Self.plantedPosture
        let closed = CollectionMatrix([.corporate: [.phoneNumber: .never, .preciseLocation: .never]])
        let (shown, listed) = closed.visible(stale, to: DeviceViewer(personID: stale.personID, roles: [.clinician]))
        #expect(shown.phoneNumber == nil && shown.posture?.location == nil && listed.isEmpty)
    }

    @Test func onlySecurityOfficersAmongReadersSeeHiddenLevels() {
        #expect(CollectionLevel.collect.seenBy == Permission.readDevices.grantedRoles)
        #expect(CollectionLevel.hidden.seenBy == [.securityOfficer])
        #expect(CollectionLevel.never.seenBy.isEmpty)
        #expect(CollectionMatrix.defaults.neverCollected(for: .byod)
            == [.preciseLocation, .personalApps, .phoneNumber, .serialNumber, .hardwareIdentifiers])
        #expect(CollectionMatrix.defaults.neverCollected(for: .corporate).isEmpty)
    }
}
