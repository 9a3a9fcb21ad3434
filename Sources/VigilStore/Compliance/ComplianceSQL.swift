import Foundation
import VigilCore

/// The statements of policies, evaluations, due actions, emergency accesses and grant keys,
/// written once for both backends. Statements that must change exactly one row return it, so
/// that both backends can tell a lost race from a success.
enum ComplianceSQL {
    static let policies = SQLStatement("SELECT name, version, document FROM security_policies ORDER BY name")

    static func insertPolicy(_ policy: SecurityPolicy, at time: Date) -> SQLStatement {
        SQLStatement(
            "INSERT INTO security_policies (name, version, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [.text(policy.name), .integer(Int64(policy.version)), .text(PolicyJSON.encode(policy)), .date(time),
             .date(time)])
    }

    static func updatePolicy(_ policy: SecurityPolicy, fromVersion: Int, at time: Date) -> SQLStatement {
        SQLStatement(
            """
            UPDATE security_policies SET version = ?, document = ?, updated_at = ?
            WHERE name = ? AND version = ? RETURNING name
            """,
            [.integer(Int64(policy.version)), .text(PolicyJSON.encode(policy)), .date(time), .text(policy.name),
             .integer(Int64(fromVersion))])
    }

    static func removePolicy(name: String, version: Int) -> SQLStatement {
        SQLStatement(
            "DELETE FROM security_policies WHERE name = ? AND version = ? RETURNING name",
            [.text(name), .integer(Int64(version))])
    }

    /// The statement of a policy change; every kind returns a row when it applied.
    static func apply(_ change: PolicyChange, at time: Date) -> SQLStatement {
        switch change {
        case .create(let policy):
            var statement = insertPolicy(policy, at: time)
            statement.sql += " RETURNING name"
            return statement
        case .update(let policy, let fromVersion): return updatePolicy(policy, fromVersion: fromVersion, at: time)
        case .remove(let name, let version): return removePolicy(name: name, version: version)
        }
    }

    /// Active devices after `after` in ID order (or the one device `deviceID`, retired or not),
    /// with their person's roles, status, affiliation and accepted agreements, their recorded
    /// evaluation and the emergency access active at `now` that lasts longest, if any.
    static func subjects(after: DeviceID?, deviceID: DeviceID?, limit: Int, at now: Date) -> SQLStatement {
        var statement = SQLStatement(
            """
            SELECT \(qualifiedDeviceColumns), p.roles, p.status, \(accessColumns),
                e.id, e.expires_at, p.affiliation, pa.accepted
            FROM devices d JOIN people p ON p.id = d.person_id LEFT JOIN device_access a ON a.device_id = d.id
            LEFT JOIN person_agreements pa ON pa.person_id = d.person_id
            LEFT JOIN emergency_accesses e ON e.id = (
                SELECT latest.id FROM emergency_accesses latest
                WHERE latest.device_id = d.id AND latest.started_at <= ? AND latest.expires_at > ?
                ORDER BY latest.expires_at DESC LIMIT 1)
            """, [.date(now), .date(now)])
        if let deviceID {
            statement.sql += " WHERE d.id = ?"
            statement.values.append(.identifier(deviceID))
        } else {
            statement.sql += " WHERE d.retired_at IS NULL AND d.id > ? ORDER BY d.id LIMIT ?"
            statement.values += [.text(after?.rawValue ?? ""), .integer(Int64(limit))]
        }
        return statement
    }

    /// The device's columns, each qualified with `d.`: built once, not at every evaluation.
    static let qualifiedDeviceColumns = DeviceColumns.device.split(separator: ",")
        .map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    static let accessColumns = """
        a.compliance, a.failing_since, a.grace_until, a.failures, a.denials, a.notes, a.decision_changed_at, \
        a.grants_revoked_at, a.evaluated_at, a.revision
        """

    /// Writes an evaluation's state if the recorded revision is still the one it replaces.
    static func recordState(_ outcome: EvaluationOutcome) -> SQLStatement {
        let state = outcome.state
        let values: [SQLValue] = [
            .enumeration(state.compliance.state), .date(state.compliance.failingSince),
            .date(state.compliance.graceUntil), .text(state.failures.map(\.rawValue).joined(separator: ",")),
            .integer(Int64(state.decision.denials.rawValue)), .integer(Int64(state.decision.notes.rawValue)),
            .date(state.decisionChangedAt), .date(state.grantsRevokedAt), .date(state.evaluatedAt),
            .integer(state.revision),
        ]
        guard let previous = outcome.replacesRevision else {
            return SQLStatement(
                """
                INSERT INTO device_access (device_id, compliance, failing_since, grace_until, failures, denials, notes,
                    decision_changed_at, grants_revoked_at, evaluated_at, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING RETURNING device_id
                """, [.identifier(outcome.deviceID)] + values)
        }
        return SQLStatement(
            """
            UPDATE device_access SET compliance = ?, failing_since = ?, grace_until = ?, failures = ?, denials = ?,
                notes = ?, decision_changed_at = ?, grants_revoked_at = ?, evaluated_at = ?, revision = ?
            WHERE device_id = ? AND revision = ? RETURNING device_id
            """, values + [.identifier(outcome.deviceID), .integer(previous)])
    }

    static func recordCompliance(_ outcome: EvaluationOutcome) -> SQLStatement {
        SQLStatement(
            "UPDATE devices SET compliance = ?, updated_at = ? WHERE id = ?",
            [.enumeration(outcome.state.compliance.state), .date(outcome.state.evaluatedAt), .identifier(outcome.deviceID)])
    }

    static let dueActionColumns = "id, device_id, action, policy_name, policy_version, due_at, state, created_at, resolved_at"

    /// Due actions per insert statement: one statement for many rows costs far less than one each.
    static let dueActionsPerInsert = 200

    /// Inserts due actions, ``dueActionsPerInsert`` at the most, in one statement.
    static func insertDueActions(_ actions: ArraySlice<DueAction>) -> SQLStatement {
        SQLStatement(
            "INSERT INTO due_actions (\(dueActionColumns)) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: actions.count).joined(separator: ", "),
            actions.flatMap { action -> [SQLValue] in
                [.identifier(action.id), .identifier(action.deviceID), .enumeration(action.action),
                 .text(action.policy.name), .integer(Int64(action.policy.version)), .date(action.dueAt),
                 .enumeration(action.state), .date(action.createdAt), .date(action.resolvedAt)]
            })
    }

    static func cancelDueActions(of deviceID: DeviceID, at time: Date) -> SQLStatement {
        SQLStatement(
            "UPDATE due_actions SET state = 'cancelled', resolved_at = ? WHERE device_id = ? AND state = 'pending'",
            [.date(time), .identifier(deviceID)])
    }

    static func dueActions(deviceID: DeviceID?, state: DueActionState?, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT \(dueActionColumns) FROM due_actions WHERE id > ?", [.text(page.after ?? "")])
        if let deviceID {
            statement.sql += " AND device_id = ?"
            statement.values.append(.identifier(deviceID))
        }
        if let state {
            statement.sql += " AND state = ?"
            statement.values.append(.enumeration(state))
        }
        statement.sql += " ORDER BY id LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static let emergencyColumns = """
        id, device_id, person_id, reason, started_at, expires_at, reviewed_by, reviewed_at, review_note
        """

    static func insertEmergencyAccess(_ access: EmergencyAccess) -> SQLStatement {
        SQLStatement(
            "INSERT INTO emergency_accesses (\(emergencyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [.identifier(access.id), .identifier(access.deviceID), .identifier(access.personID), .text(access.reason),
             .date(access.startedAt), .date(access.expiresAt), .identifier(access.reviewedBy), .date(access.reviewedAt),
             .text(access.reviewNote)])
    }

    static func emergencyAccess(id: Identifier<EmergencyAccess>) -> SQLStatement {
        SQLStatement("SELECT \(emergencyColumns) FROM emergency_accesses WHERE id = ?", [.identifier(id)])
    }

    /// Newest first.
    static func emergencyAccesses(unreviewedOnly: Bool, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement("SELECT \(emergencyColumns) FROM emergency_accesses WHERE 1 = 1")
        if let after = page.after {
            statement.sql += " AND id < ?"
            statement.values.append(.text(after))
        }
        if unreviewedOnly { statement.sql += " AND reviewed_at IS NULL" }
        statement.sql += " ORDER BY id DESC LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    static func reviewEmergencyAccess(_ access: EmergencyAccess) -> SQLStatement {
        SQLStatement(
            "UPDATE emergency_accesses SET reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ?",
            [.identifier(access.reviewedBy), .date(access.reviewedAt), .text(access.reviewNote), .identifier(access.id)])
    }

    static func revokeGrants(of deviceID: DeviceID, at time: Date) -> SQLStatement {
        SQLStatement(
            """
            UPDATE device_access SET grants_revoked_at = ?, revision = revision + 1 WHERE device_id = ? RETURNING device_id
            """, [.date(time), .identifier(deviceID)])
    }

    static let grantKeys = SQLStatement("SELECT id, public_key, created_at, retired_at FROM grant_keys ORDER BY created_at, id")

    static func retireGrantKeys(at time: Date) -> SQLStatement {
        SQLStatement("UPDATE grant_keys SET retired_at = ? WHERE retired_at IS NULL", [.date(time)])
    }

    static func insertGrantKey(_ key: Ed25519PublicKey, at time: Date) -> SQLStatement {
        SQLStatement(
            "INSERT INTO grant_keys (id, public_key, created_at, retired_at) VALUES (?, ?, ?, NULL)",
            [.text(key.id), .text(key.base64), .date(time)])
    }
}
