import Foundation
import VigilCore

/// The statements of the device tables, written once for both backends.
enum DeviceSQL {
    static func insertInvitation(_ invitation: EnrollmentInvitation, codeHash: String) -> SQLStatement {
        SQLStatement(
            "INSERT INTO enrollment_invitations (\(DeviceColumns.invitation), code_hash) VALUES (\(marks(14)))",
            invitation.storedValues + [.text(codeHash)])
    }

    static func invitation(id: EnrollmentInvitationID, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            "SELECT \(DeviceColumns.invitation) FROM enrollment_invitations WHERE id = ?\(forUpdate ? lock : "")",
            [.identifier(id)])
    }

    static func invitation(codeHash: String, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            "SELECT \(DeviceColumns.invitation) FROM enrollment_invitations WHERE code_hash = ?\(forUpdate ? lock : "")",
            [.text(codeHash)])
    }

    static func invitations(personID: PersonID?, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT \(DeviceColumns.invitation) FROM enrollment_invitations WHERE id > ?", [.text(page.after ?? "")])
        if let personID {
            statement.sql += " AND person_id = ?"
            statement.values.append(.identifier(personID))
        }
        statement.sql += " ORDER BY id LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static func updateInvitation(_ invitation: EnrollmentInvitation) -> SQLStatement {
        SQLStatement(
            "UPDATE enrollment_invitations SET used_at = ?, device_id = ?, revoked_at = ? WHERE id = ?",
            [.date(invitation.usedAt), .identifier(invitation.deviceID), .date(invitation.revokedAt),
             .identifier(invitation.id)])
    }

    /// A person's status and how many personal devices of theirs are in service and not denied.
    static func enrollingPerson(_ id: PersonID) -> SQLStatement {
        SQLStatement(
            """
            SELECT p.status, (SELECT COUNT(*) FROM devices d WHERE d.person_id = p.id AND d.retired_at IS NULL
                AND d.ownership IN ('byod', 'patient_owned') AND d.approval <> 'denied')
            FROM people p WHERE p.id = ?
            """, [.identifier(id)])
    }

    static func insertDevice(_ device: Device) -> SQLStatement {
        SQLStatement("INSERT INTO devices (\(DeviceColumns.device)) VALUES (\(marks(34)))", device.storedValues)
    }

    static func device(id: DeviceID, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            "SELECT \(DeviceColumns.device) FROM devices WHERE id = ?\(forUpdate ? lock : "")", [.identifier(id)])
    }

    /// Writes every column a change may touch.
    static func update(_ device: Device) -> SQLStatement {
        SQLStatement(
            """
            UPDATE devices SET os_version = ?, hardware_id = ?, name = ?, public_key = ?, approval = ?,
                approval_reason = ?, approval_decided_by = ?, approval_decided_at = ?, compliance = ?,
                enrolled_at = ?, last_seen_at = ?, key_rotated_at = ?, posture = ?, retired_at = ?, retired_by = ?,
                retirement_disposition = ?, retirement_custodian = ?, retirement_note = ?, phone_number = ?,
                hardware_identifiers = ?, updated_at = ?, loss_kind = ?, loss_reported_at = ?, loss_reported_by = ?,
                loss_wipe_at = ?
            WHERE id = ?
            """, device.mutableValues)
    }

    /// The digest of the posture an active device reported last (no row for a retired or unknown
    /// device), to tell whether a check-in changes it.
    static func postureDigest(of deviceID: DeviceID, forUpdate: Bool) -> SQLStatement {
        SQLStatement(
            "SELECT posture_digest FROM devices WHERE id = ? AND retired_at IS NULL\(forUpdate ? lock : "")",
            [.identifier(deviceID)])
    }

    /// Records a check-in on an active device and returns its state (no row for a retired or
    /// unknown device).
    static func checkIn(_ checkIn: EncodedCheckIn) -> SQLStatement {
        let time = SQLValue.date(checkIn.checkIn.at)
        return SQLStatement(
            """
            UPDATE devices SET last_seen_at = ?, os_version = ?, posture = ?, posture_digest = ?, updated_at = ?
            WHERE id = ? AND retired_at IS NULL RETURNING approval, approval_reason, compliance, ownership
            """,
            [time, .text(checkIn.checkIn.posture.osVersion), .text(checkIn.json), .text(checkIn.digest), time,
             .identifier(checkIn.checkIn.deviceID)])
    }

    static func insertPosture(_ checkIn: EncodedCheckIn) -> SQLStatement {
        SQLStatement(
            "INSERT INTO device_postures (\(DeviceColumns.posture)) VALUES (?, ?, ?, ?)",
            [.identifier(Identifier<PostureRecord>.generate(at: checkIn.checkIn.at)),
             .identifier(checkIn.checkIn.deviceID), .date(checkIn.checkIn.at), .text(checkIn.json)])
    }

    static func postureHistory(deviceID: DeviceID, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT \(DeviceColumns.posture) FROM device_postures WHERE device_id = ?", [.identifier(deviceID)])
        if let after = page.after {
            statement.sql += " AND id < ?"
            statement.values.append(.text(after))
        }
        statement.sql += " ORDER BY id DESC LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static func prunePostures(before cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM device_postures WHERE recorded_at < ?", [.date(cutoff)])
    }

    /// The inventory query: `filter`'s conditions, the keyset condition of the cursor, `sort`'s order;
    /// without a page, every matching device in one statement (one consistent snapshot).
    /// - Parameter columns: The columns to read; every device column by default.
    static func devices(
        _ filter: DeviceFilter, sort: DeviceSort, _ page: PageRequest?, columns: String = DeviceColumns.device
    ) throws -> SQLStatement {
        var conditions: [(String, [SQLValue])] = []
        func equal(_ column: String, _ value: SQLValue?) {
            if let value { conditions.append(("\(column) = ?", [value])) }
        }
        equal("ownership", filter.ownership.map(SQLValue.enumeration))
        equal("device_class", filter.deviceClass.map(SQLValue.enumeration))
        equal("platform", filter.platform.map(SQLValue.enumeration))
        equal("approval", filter.approval.map(SQLValue.enumeration))
        equal("compliance", filter.compliance.map(SQLValue.enumeration))
        equal("person_id", filter.personID.map(SQLValue.identifier))
        equal("facility_id", filter.facilityID.map(SQLValue.identifier))
        switch filter.status {
        case .active: conditions.append(("retired_at IS NULL", []))
        case .retired: conditions.append(("retired_at IS NOT NULL", []))
        case nil: break
        }
        if let before = filter.lastSeenBefore {
            conditions.append(("(last_seen_at IS NULL OR last_seen_at < ?)", [.date(before)]))
        }
        if let since = filter.lastSeenSince { conditions.append(("last_seen_at >= ?", [.date(since)])) }

        let direction = sort.descending ? "DESC" : "ASC"
        let comparison = sort.descending ? "<" : ">"
        let key = sortKey(sort.field)
        if let after = page?.after {
            let position = try sort.position(of: after)
            if let key, let value = position.key {
                let bound: SQLValue = sort.field == .lastSeenAt ? .integer(Int64(value)) : .text(value)
                conditions.append((
                    "(\(key) \(comparison) ? OR (\(key) = ? AND id \(comparison) ?))",
                    [bound, bound, .text(position.id)]))
            } else {
                conditions.append(("id \(comparison) ?", [.text(position.id)]))
            }
        }
        let order = key.map { "\($0) \(direction), id \(direction)" } ?? "id \(direction)"
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.map(\.0).joined(separator: " AND ")
        guard let page else {
            return SQLStatement(
                "SELECT \(columns) FROM devices\(whereClause) ORDER BY \(order)", conditions.flatMap(\.1))
        }
        return SQLStatement(
            "SELECT \(columns) FROM devices\(whereClause) ORDER BY \(order) LIMIT ?",
            conditions.flatMap(\.1) + [.integer(Int64(page.limit + 1))])
    }

    /// The expression an inventory order sorts by, besides the ID; `nil` for enrollment order
    /// (the ID alone, as identifiers sort in creation order).
    static func sortKey(_ field: DeviceSort.Field) -> String? {
        switch field {
        case .enrolledAt: nil
        case .lastSeenAt: "COALESCE(last_seen_at, -1)"
        case .ownership: "ownership"
        case .deviceClass: "device_class"
        case .platform: "platform"
        case .approval: "approval"
        case .compliance: "compliance"
        case .personID: "person_id"
        case .facilityID: "COALESCE(facility_id, '')"
        }
    }

    /// `FOR UPDATE`, which PostgreSQL needs to lock a row read in a write transaction; SQLite's
    /// writes are serialized already, so its statements leave it out.
    static let lock = " FOR UPDATE"

    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
