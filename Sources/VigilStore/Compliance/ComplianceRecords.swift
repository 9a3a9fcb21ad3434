import Foundation
import VigilCore

// Conversions between compliance records and their columns, shared by both backends.

enum PolicyJSON {
    private static let encoder = VigilJSON.makeEncoder()
    private static let decoder = VigilJSON.makeDecoder()

    static func encode(_ policy: SecurityPolicy) -> String {
        String(decoding: try! encoder.encode(policy), as: UTF8.self)
    }

    /// Reads a policy from its `name, version, document` columns.
    static func decode(stored row: some StoredRow) throws -> SecurityPolicy {
        guard var policy = try? decoder.decode(SecurityPolicy.self, from: Data(try row.text(2).utf8)) else {
            throw StoreError.corruptRecord("security_policies.document is not a policy")
        }
        policy.name = try row.text(0)
        policy.version = Int(try row.integer(1))
        return policy
    }
}

extension EvaluationSubject {
    /// Where the person's and the evaluation's columns start: after the device's.
    static let firstColumnAfterDevice = DeviceColumns.device.split(separator: ",").count

    /// Reads the columns of ``ComplianceSQL/subjects(after:deviceID:limit:at:)``.
    init(stored row: some StoredRow) throws {
        let device = try Device(stored: row)
        let base = Self.firstColumnAfterDevice
        var recorded: DeviceAccessState?
        if let revision = try row.optionalInteger(base + 11) {
            let failures = try row.text(base + 5).split(separator: ",").map { name -> RequirementKind in
                try storedEnum(String(name), column: "device_access.failures")
            }
            recorded = DeviceAccessState(
                compliance: ComplianceStatus(
                    state: try row.enumeration(base + 2, column: "device_access.compliance"),
                    failingSince: try row.optionalDate(base + 3), graceUntil: try row.optionalDate(base + 4)),
                failures: failures,
                decision: AccessDecision(
                    denials: AccessDenials(rawValue: Int(try row.integer(base + 6))),
                    notes: AccessNotes(rawValue: Int(try row.integer(base + 7)))),
                decisionChangedAt: try row.date(base + 8), grantsRevokedAt: try row.optionalDate(base + 9),
                evaluatedAt: try row.date(base + 10), revision: revision)
        }
        self.init(
            device: device, roles: try StoredList.decode(try row.text(base), as: Role.self, column: "people.roles"),
            personStatus: try row.enumeration(base + 1, column: "people.status"), recorded: recorded,
            emergency: try row.optionalIdentifier(base + 12).map { id in
                ActiveEmergency(id: id, until: try row.date(base + 13))
            },
            affiliation: try row.enumeration(base + 14, column: "people.affiliation"),
            acceptedAgreements: try AcceptedAgreements(stored: row.optionalText(base + 15) ?? ""))
    }
}

extension DueAction {
    /// Reads the columns of ``ComplianceSQL/dueActionColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), deviceID: try row.identifier(1),
            action: try row.enumeration(2, column: "due_actions.action"),
            policy: PolicyReference(name: try row.text(3), version: Int(try row.integer(4))), dueAt: try row.date(5),
            state: try row.enumeration(6, column: "due_actions.state"), createdAt: try row.date(7),
            resolvedAt: try row.optionalDate(8))
    }
}

extension EmergencyAccess {
    /// Reads the columns of ``ComplianceSQL/emergencyColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), deviceID: try row.identifier(1), personID: try row.identifier(2),
            reason: try row.text(3), startedAt: try row.date(4), expiresAt: try row.date(5),
            reviewedBy: try row.optionalIdentifier(6), reviewedAt: try row.optionalDate(7),
            reviewNote: try row.optionalText(8))
    }
}

extension SigningKeyRecord {
    /// Reads a grant key from the columns of ``ComplianceSQL/grantKeys`` (the key in base64).
    init(storedGrantKey row: some StoredRow) throws {
        guard let raw = Data(base64Encoded: try row.text(1)), let key = try? Ed25519PublicKey(rawRepresentation: raw) else {
            throw StoreError.corruptRecord("grant_keys.public_key is not an Ed25519 key")
        }
        self.init(publicKey: key, createdAt: try row.date(2), retiredAt: try row.optionalDate(3))
    }
}
