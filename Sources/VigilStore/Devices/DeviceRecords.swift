import Foundation
import VigilCore

// The columns of the device tables and their conversion to and from records, shared by both
// backends. Postures are stored as JSON text with sorted keys.

enum DeviceColumns {
    static let invitation = """
        id, person_id, facility_id, ownership, device_class, medical_kind, note, created_by, created_at, \
        expires_at, used_at, device_id, revoked_at
        """
    static let device = """
        id, person_id, facility_id, invitation_id, ownership, device_class, medical_kind, platform, model, \
        os_version, hardware_id, name, public_key, approval, approval_reason, approval_decided_by, \
        approval_decided_at, compliance, enrolled_at, last_seen_at, key_rotated_at, posture, retired_at, retired_by, \
        retirement_disposition, retirement_custodian, retirement_note, phone_number, hardware_identifiers, updated_at, loss_kind, \
        loss_reported_at, loss_reported_by, loss_wipe_at
        """
    static let posture = "id, device_id, recorded_at, posture"
}

enum PostureJSON {
    private static let encoder = VigilJSON.makeEncoder()
    private static let decoder = VigilJSON.makeDecoder()

    static func encode(_ posture: Posture) -> String {
        String(decoding: try! encoder.encode(posture), as: UTF8.self)
    }

    static func decode(_ text: String, column: String) throws -> Posture {
        guard let posture = CanonicalPostureReader.read(text) ?? (try? decoder.decode(Posture.self, from: Data(text.utf8)))
        else {
            throw StoreError.corruptRecord("\(column) is not a posture")
        }
        return posture
    }
}

/// A check-in with its posture encoded for storage, done before the write transaction starts
/// (the writer is what check-ins queue for).
struct EncodedCheckIn: Sendable {
    let checkIn: DeviceCheckIn
    /// The posture as stored.
    let json: String
    /// SHA-256 of the posture without its battery level: the history keeps a posture when this
    /// changes, not at every check-in.
    let digest: String

    init(_ checkIn: DeviceCheckIn) {
        self.checkIn = checkIn
        self.json = PostureJSON.encode(checkIn.posture)
        self.digest = SHA256Hex.of(checkIn.posture.lastingFacts)
    }
}

extension EnrollingPerson {
    /// Reads the columns of ``DeviceSQL/enrollingPerson(_:)``.
    init(stored row: some StoredRow) throws {
        self.init(
            status: try row.enumeration(0, column: "people.status"), personalDevicesInService: Int(try row.integer(1)))
    }
}

extension EnrollmentInvitation {
    /// Rebuilds an invitation from its columns, in ``DeviceColumns/invitation`` order.
    init(stored row: some StoredRow) throws {
        let table = "enrollment_invitations"
        self.init(
            id: try row.identifier(0), personID: try row.identifier(1), facilityID: try row.optionalIdentifier(2),
            ownership: try row.enumeration(3, column: "\(table).ownership"),
            deviceClass: try row.enumeration(4, column: "\(table).device_class"),
            medicalKind: try row.optionalEnumeration(5, column: "\(table).medical_kind"),
            note: try row.optionalText(6), createdBy: try row.optionalIdentifier(7), createdAt: try row.date(8),
            expiresAt: try row.date(9), usedAt: try row.optionalDate(10), deviceID: try row.optionalIdentifier(11),
            revokedAt: try row.optionalDate(12))
    }

    /// The column values in ``DeviceColumns/invitation`` order.
    var storedValues: [SQLValue] {
        [
            .identifier(id), .identifier(personID), .identifier(facilityID), .enumeration(ownership),
            .enumeration(deviceClass), .enumeration(medicalKind), .text(note), .identifier(createdBy),
            .date(createdAt), .date(expiresAt), .date(usedAt), .identifier(deviceID), .date(revokedAt),
        ]
    }
}

extension Device {
    /// Rebuilds a device from its columns, in ``DeviceColumns/device`` order.
    init(stored row: some StoredRow) throws {
        let table = "devices"
        var retirement: Retirement?
        if let retiredAt = try row.optionalDate(22) {
            retirement = Retirement(
                retiredAt: retiredAt, retiredBy: try row.identifier(23),
                disposition: try row.enumeration(24, column: "\(table).retirement_disposition"),
                custodian: try row.text(25), note: try row.optionalText(26))
        }
        self.init(
            id: try row.identifier(0), personID: try row.identifier(1), facilityID: try row.optionalIdentifier(2),
            invitationID: try row.identifier(3), ownership: try row.enumeration(4, column: "\(table).ownership"),
            deviceClass: try row.enumeration(5, column: "\(table).device_class"),
            medicalKind: try row.optionalEnumeration(6, column: "\(table).medical_kind"),
            platform: try row.enumeration(7, column: "\(table).platform"), model: try row.text(8),
            osVersion: try row.text(9), hardwareID: try row.optionalText(10), name: try row.optionalText(11),
            phoneNumber: try row.optionalText(27),
            hardwareIdentifiers: try StoredList.decode(texts: try row.optionalText(28), column: "\(table).hardware_identifiers"),
            publicKey: try row.text(12), approval: try row.enumeration(13, column: "\(table).approval"),
            approvalReason: try row.optionalText(14), approvalDecidedBy: try row.optionalIdentifier(15),
            approvalDecidedAt: try row.optionalDate(16), compliance: try row.enumeration(17, column: "\(table).compliance"),
            enrolledAt: try row.date(18), lastSeenAt: try row.optionalDate(19), keyRotatedAt: try row.optionalDate(20),
            posture: try row.optionalText(21).map { try PostureJSON.decode($0, column: "\(table).posture") },
            retirement: retirement, loss: try DeviceLoss(stored: row, from: 30), updatedAt: try row.date(29))
    }

    /// The column values in ``DeviceColumns/device`` order.
    var storedValues: [SQLValue] {
        [.identifier(id), .identifier(personID), .identifier(facilityID), .identifier(invitationID),
         .enumeration(ownership), .enumeration(deviceClass), .enumeration(medicalKind), .enumeration(platform),
         .text(model)] + mutableValues.dropLast()
    }

    /// The values of the columns a change may touch, in ``DeviceSQL/update`` order, then the ID.
    var mutableValues: [SQLValue] {
        [
            .text(osVersion), .text(hardwareID), .text(name), .text(publicKey), .enumeration(approval),
            .text(approvalReason), .identifier(approvalDecidedBy), .date(approvalDecidedAt), .enumeration(compliance),
            .date(enrolledAt), .date(lastSeenAt), .date(keyRotatedAt), .text(posture.map(PostureJSON.encode)),
            .date(retirement?.retiredAt), .identifier(retirement?.retiredBy), .enumeration(retirement?.disposition),
            .text(retirement?.custodian), .text(retirement?.note), .text(phoneNumber),
            .text(StoredList.encode(texts: hardwareIdentifiers)), .date(updatedAt), .enumeration(loss?.kind),
            .date(loss?.reportedAt), .text(loss.map { StoredJSON.encode($0.reportedBy) }), .date(loss?.wipeAt),
            .identifier(id),
        ]
    }
}

extension DeviceLoss {
    /// Reads the loss columns starting at `first` (kind, reported at, reported by, wipe at): `nil` when none is recorded.
    init?(stored row: some StoredRow, from first: Int) throws {
        guard let kind: Kind = try row.optionalEnumeration(first, column: "devices.loss_kind") else { return nil }
        self.init(
            kind: kind, reportedAt: try row.date(first + 1),
            reportedBy: try StoredJSON.decode(AuditActor.self, from: try row.text(first + 2), column: "devices.loss_reported_by"),
            wipeAt: try row.optionalDate(first + 3))
    }
}

extension PostureRecord {
    /// Rebuilds a history entry from its columns, in ``DeviceColumns/posture`` order.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), deviceID: try row.identifier(1), recordedAt: try row.date(2),
            posture: try PostureJSON.decode(try row.text(3), column: "device_postures.posture"))
    }
}

extension DeviceCheckInState {
    /// Reads the columns ``DeviceSQL/checkIn(_:)`` returns.
    init(stored row: some StoredRow) throws {
        self.init(
            approval: try row.enumeration(0, column: "devices.approval"), approvalReason: try row.optionalText(1),
            compliance: try row.enumeration(2, column: "devices.compliance"),
            ownership: try row.enumeration(3, column: "devices.ownership"))
    }
}
