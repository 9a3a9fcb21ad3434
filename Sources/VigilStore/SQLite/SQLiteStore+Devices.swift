import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func createInvitation(_ invitation: EnrollmentInvitation, codeHash: String, audit: AuditEventDraft)
        async throws
    {
        try await write { db in
            try Self.requireExists("people", invitation.personID.rawValue, field: "personID", in: db)
            if let facilityID = invitation.facilityID {
                try Self.requireExists("facilities", facilityID.rawValue, field: "facilityID", in: db)
            }
            try db.run(DeviceSQL.insertInvitation(invitation, codeHash: codeHash))
            try Self.append(audit, in: db)
        }
    }

    public func invitation(id: EnrollmentInvitationID) async throws -> EnrollmentInvitation? {
        try await pool.read { db in
            try db.run(DeviceSQL.invitation(id: id, forUpdate: false), EnrollmentInvitation.init(stored:)).first
        }
    }

    public func invitations(personID: PersonID?, _ page: PageRequest) async throws -> Page<EnrollmentInvitation> {
        let invitations = try await pool.read { db in
            try db.run(DeviceSQL.invitations(personID: personID, page), EnrollmentInvitation.init(stored:))
        }
        return Page(fetched: invitations, request: page, key: \.id.rawValue)
    }

    public func updateInvitation(
        id: EnrollmentInvitationID, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EnrollmentInvitation) throws -> Void
    ) async throws -> EnrollmentInvitation {
        try await write { db in
            guard var invitation = try db.run(
                DeviceSQL.invitation(id: id, forUpdate: false), EnrollmentInvitation.init(stored:)
            ).first else { throw StoreError.notFound("invitation \(id)") }
            try change(&invitation)
            try db.run(DeviceSQL.updateInvitation(invitation))
            try Self.append(audit, in: db)
            return invitation
        }
    }

    public func enrollDevice(
        codeHash: String, admit: @escaping @Sendable (EnrollmentInvitation?, EnrollingPerson?) throws -> Device,
        audit: @escaping @Sendable (Device) -> AuditEventDraft
    ) async throws -> Device {
        try await write { db in
            let found = try db.run(
                DeviceSQL.invitation(codeHash: codeHash, forUpdate: false), EnrollmentInvitation.init(stored:)
            ).first
            let person = try found.flatMap { invitation in
                try db.run(DeviceSQL.enrollingPerson(invitation.personID), EnrollingPerson.init(stored:)).first
            }
            let device = try admit(found, person)
            guard var invitation = found else { throw StoreError.notFound("invitation with this code") }
            invitation.usedAt = device.enrolledAt
            invitation.deviceID = device.id
            try db.run(DeviceSQL.updateInvitation(invitation))
            try db.run(DeviceSQL.insertDevice(device))
            try Self.append(audit(device), in: db)
            return device
        }
    }

    public func device(id: DeviceID) async throws -> Device? {
        try await pool.read { db in try db.run(DeviceSQL.device(id: id, forUpdate: false), Device.init(stored:)).first }
    }

    public func devices(_ filter: DeviceFilter, sort: DeviceSort, _ page: PageRequest) async throws -> Page<Device> {
        let statement = try DeviceSQL.devices(filter, sort: sort, page)
        let devices = try await pool.read { db in try db.run(statement, Device.init(stored:)) }
        return Page(fetched: devices, request: page, key: sort.cursor(after:))
    }

    public func allDevices(_ filter: DeviceFilter, sort: DeviceSort) async throws -> [Device] {
        let statement = try DeviceSQL.devices(filter, sort: sort, nil)
        return try await pool.read { db in try db.run(statement, Device.init(stored:)) }
    }

    public func updateDevice(
        id: DeviceID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Device) throws -> Void
    ) async throws -> Device {
        try await write { db in
            guard var device = try db.run(DeviceSQL.device(id: id, forUpdate: false), Device.init(stored:)).first
            else { throw StoreError.notFound("device \(id)") }
            try change(&device)
            try db.run(DeviceSQL.update(device))
            try Self.append(audit, in: db)
            return device
        }
    }

    public func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws -> [DeviceCheckInState?] {
        let encoded = checkIns.map(EncodedCheckIn.init)
        return try await write { db in
            try encoded.map { checkIn in
                guard let previous = try db.run(DeviceSQL.postureDigest(of: checkIn.checkIn.deviceID, forUpdate: false), {
                    try $0.optionalText(0)
                }).first else { return nil }
                let state = try db.run(DeviceSQL.checkIn(checkIn), DeviceCheckInState.init(stored:)).first
                if let state, state.ownership.isHospitalOwned, previous != checkIn.digest {
                    try db.run(DeviceSQL.insertPosture(checkIn))
                }
                return state
            }
        }
    }

    public func postureHistory(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PostureRecord> {
        let records = try await pool.read { db in
            try db.run(DeviceSQL.postureHistory(deviceID: deviceID, page), PostureRecord.init(stored:))
        }
        return Page(fetched: records, request: page, key: \.id.rawValue)
    }

    public func prunePostureHistory(recordedBefore cutoff: Date) async throws -> Int {
        try await write { db in
            try db.run(DeviceSQL.prunePostures(before: cutoff))
            return db.changesCount
        }
    }

    /// Refuses a reference to a record that does not exist.
    static func requireExists(_ table: String, _ id: String, field: String, in db: Database) throws {
        let exists = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)", arguments: [id]) ?? false
        if !exists { throw StoreError.unknownReference(field: field, id: id) }
    }
}
