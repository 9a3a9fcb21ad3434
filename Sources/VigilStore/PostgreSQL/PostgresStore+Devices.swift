import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func createInvitation(_ invitation: EnrollmentInvitation, codeHash: String, audit: AuditEventDraft)
        async throws
    {
        try await transaction { connection in
            try await requireExists("people", invitation.personID.rawValue, field: "personID", on: connection)
            if let facilityID = invitation.facilityID {
                try await requireExists("facilities", facilityID.rawValue, field: "facilityID", on: connection)
            }
            try await connection.run(DeviceSQL.insertInvitation(invitation, codeHash: codeHash), logger: logger)
            try await append(audit, on: connection)
        }
    }

    public func invitation(id: EnrollmentInvitationID) async throws -> EnrollmentInvitation? {
        try await read(DeviceSQL.invitation(id: id, forUpdate: false), EnrollmentInvitation.init(stored:)).first
    }

    public func invitations(personID: PersonID?, _ page: PageRequest) async throws -> Page<EnrollmentInvitation> {
        let invitations = try await read(
            DeviceSQL.invitations(personID: personID, page), EnrollmentInvitation.init(stored:))
        return Page(fetched: invitations, request: page, key: \.id.rawValue)
    }

    public func updateInvitation(
        id: EnrollmentInvitationID, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EnrollmentInvitation) throws -> Void
    ) async throws -> EnrollmentInvitation {
        try await transaction { connection in
            guard var invitation = try await connection.run(
                DeviceSQL.invitation(id: id, forUpdate: true), logger: logger, EnrollmentInvitation.init(stored:)
            ).first else { throw StoreError.notFound("invitation \(id)") }
            try change(&invitation)
            try await connection.run(DeviceSQL.updateInvitation(invitation), logger: logger)
            try await append(audit, on: connection)
            return invitation
        }
    }

    public func enrollDevice(
        codeHash: String, admit: @escaping @Sendable (EnrollmentInvitation?, EnrollingPerson?) throws -> Device,
        audit: @escaping @Sendable (Device) -> AuditEventDraft
    ) async throws -> Device {
        try await transaction { connection in
            let found = try await connection.run(
                DeviceSQL.invitation(codeHash: codeHash, forUpdate: true), logger: logger,
                EnrollmentInvitation.init(stored:)
            ).first
            var person: EnrollingPerson?
            if let found {
                person = try await connection.run(
                    DeviceSQL.enrollingPerson(found.personID), logger: logger, EnrollingPerson.init(stored:)
                ).first
            }
            let device = try admit(found, person)
            guard var invitation = found else { throw StoreError.notFound("invitation with this code") }
            invitation.usedAt = device.enrolledAt
            invitation.deviceID = device.id
            try await connection.run(DeviceSQL.updateInvitation(invitation), logger: logger)
            try await connection.run(DeviceSQL.insertDevice(device), logger: logger)
            try await append(audit(device), on: connection)
            return device
        }
    }

    public func device(id: DeviceID) async throws -> Device? {
        try await read(DeviceSQL.device(id: id, forUpdate: false), Device.init(stored:)).first
    }

    public func devices(_ filter: DeviceFilter, sort: DeviceSort, _ page: PageRequest) async throws -> Page<Device> {
        let devices = try await read(try DeviceSQL.devices(filter, sort: sort, page), Device.init(stored:))
        return Page(fetched: devices, request: page, key: sort.cursor(after:))
    }

    public func allDevices(_ filter: DeviceFilter, sort: DeviceSort) async throws -> [Device] {
        try await read(try DeviceSQL.devices(filter, sort: sort, nil), Device.init(stored:))
    }

    public func updateDevice(
        id: DeviceID, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Device) throws -> Void
    ) async throws -> Device {
        try await transaction { connection in
            guard var device = try await connection.run(
                DeviceSQL.device(id: id, forUpdate: true), logger: logger, Device.init(stored:)
            ).first else { throw StoreError.notFound("device \(id)") }
            try change(&device)
            try await connection.run(DeviceSQL.update(device), logger: logger)
            try await append(audit, on: connection)
            return device
        }
    }

    /// Check-ins append no audit event, so they need not take the write lock: row locks order
    /// them against changes to the same device, taken in device order so that batches written
    /// at once by several replicas cannot deadlock.
    public func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws -> [DeviceCheckInState?] {
        let encoded = checkIns.map(EncodedCheckIn.init)
        let order = encoded.indices.sorted { encoded[$0].checkIn.deviceID < encoded[$1].checkIn.deviceID }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                var states = [DeviceCheckInState?](repeating: nil, count: encoded.count)
                for index in order {
                    let checkIn = encoded[index]
                    guard let previous = try await connection.run(
                        DeviceSQL.postureDigest(of: checkIn.checkIn.deviceID, forUpdate: true), logger: logger,
                        { try $0.optionalText(0) }
                    ).first else { continue }
                    let state = try await connection.run(
                        DeviceSQL.checkIn(checkIn), logger: logger, DeviceCheckInState.init(stored:)
                    ).first
                    if let state, state.ownership.isHospitalOwned, previous != checkIn.digest {
                        try await connection.run(DeviceSQL.insertPosture(checkIn), logger: logger)
                    }
                    states[index] = state
                }
                return states
            }
        } catch let error as PostgresTransactionError {
            throw Self.translated(error.closureError ?? error.commitError ?? error)
        }
    }

    public func postureHistory(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PostureRecord> {
        let records = try await read(DeviceSQL.postureHistory(deviceID: deviceID, page), PostureRecord.init(stored:))
        return Page(fetched: records, request: page, key: \.id.rawValue)
    }

    public func prunePostureHistory(recordedBefore cutoff: Date) async throws -> Int {
        let statement = DeviceSQL.prunePostures(before: cutoff)
        return try await client.withConnection { connection in
            try await connection.run(
                SQLStatement("WITH removed AS (\(statement.sql) RETURNING 1) SELECT COUNT(*) FROM removed",
                    statement.values),
                logger: logger, { try Int($0.integer(0)) }
            ).first ?? 0
        }
    }

    /// Runs a shared read-only statement on a pooled connection.
    func read<T: Sendable>(
        _ statement: SQLStatement, _ decode: @escaping @Sendable (PostgresRandomAccessRow) throws -> T
    )
        async throws -> [T]
    {
        try await client.withConnection { connection in
            try await connection.run(statement, logger: logger, decode)
        }
    }

    /// Refuses a reference to a record that does not exist.
    func requireExists(_ table: String, _ id: String, field: String, on connection: PostgresConnection) async throws {
        let found = try await connection.run(
            SQLStatement("SELECT 1 FROM \(table) WHERE id = ?", [.text(id)]), logger: logger, { _ in true })
        if found.isEmpty { throw StoreError.unknownReference(field: field, id: id) }
    }
}
