import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func securityPolicies() async throws -> [SecurityPolicy] {
        try await pool.read { db in try db.run(ComplianceSQL.policies, PolicyJSON.decode(stored:)) }
    }

    public func applyPolicyChanges(_ changes: [PolicyChange], at time: Date, audit: [AuditEventDraft]) async throws {
        try await write { db in
            for change in changes where try db.run(ComplianceSQL.apply(change, at: time), { _ in true }).isEmpty {
                throw StoreError.conflict("policy \(change.name) changed meanwhile; read it again")
            }
            try Self.append(audit, in: db)
        }
    }

    public func evaluationSubjects(after: DeviceID?, limit: Int, at now: Date) async throws -> [EvaluationSubject] {
        try await pool.read { db in
            try Self.withPlaceFacts(
                try db.run(ComplianceSQL.subjects(after: after, deviceID: nil, limit: limit, at: now), EvaluationSubject.init(stored:)),
                at: now, in: db)
        }
    }

    public func evaluationSubject(deviceID: DeviceID, at now: Date) async throws -> EvaluationSubject? {
        try await pool.read { db in
            try Self.withPlaceFacts(
                try db.run(ComplianceSQL.subjects(after: nil, deviceID: deviceID, limit: 1, at: now), EvaluationSubject.init(stored:)),
                at: now, in: db
            ).first
        }
    }

    public func recordEvaluations(_ outcomes: [EvaluationOutcome]) async throws -> [DeviceID] {
        let changed = outcomes.filter(\.changed)
        guard !changed.isEmpty else { return [] }
        return try await write { db in
            var lost: [DeviceID] = []
            var events: [AuditEventDraft] = []
            var dueActions: [DueAction] = []
            for outcome in changed {
                guard try !db.run(ComplianceSQL.recordState(outcome), { _ in true }).isEmpty else {
                    lost.append(outcome.deviceID)
                    continue
                }
                try db.run(ComplianceSQL.recordCompliance(outcome))
                if outcome.cancelsDueActions {
                    try db.run(ComplianceSQL.cancelDueActions(of: outcome.deviceID, at: outcome.state.evaluatedAt))
                }
                dueActions += outcome.newDueActions
                events += outcome.events
            }
            for start in stride(from: 0, to: dueActions.count, by: ComplianceSQL.dueActionsPerInsert) {
                let end = min(start + ComplianceSQL.dueActionsPerInsert, dueActions.count)
                try db.run(ComplianceSQL.insertDueActions(dueActions[start..<end]))
            }
            try Self.append(events, in: db)
            return lost
        }
    }

    public func dueActions(deviceID: DeviceID?, state: DueActionState?, _ page: PageRequest) async throws
        -> Page<DueAction>
    {
        let actions = try await pool.read { db in
            try db.run(ComplianceSQL.dueActions(deviceID: deviceID, state: state, page), DueAction.init(stored:))
        }
        return Page(fetched: actions, request: page, key: \.id.rawValue)
    }

    public func createEmergencyAccess(_ access: EmergencyAccess, audit: AuditEventDraft) async throws {
        try await write { db in
            try db.run(ComplianceSQL.insertEmergencyAccess(access))
            try Self.append(audit, in: db)
        }
    }

    public func emergencyAccess(id: Identifier<EmergencyAccess>) async throws -> EmergencyAccess? {
        try await pool.read { db in try db.run(ComplianceSQL.emergencyAccess(id: id), EmergencyAccess.init(stored:)).first }
    }

    public func emergencyAccesses(unreviewedOnly: Bool, _ page: PageRequest) async throws -> Page<EmergencyAccess> {
        let accesses = try await pool.read { db in
            try db.run(ComplianceSQL.emergencyAccesses(unreviewedOnly: unreviewedOnly, page), EmergencyAccess.init(stored:))
        }
        return Page(fetched: accesses, request: page, key: \.id.rawValue)
    }

    public func updateEmergencyAccess(
        id: Identifier<EmergencyAccess>, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EmergencyAccess) throws -> Void
    ) async throws -> EmergencyAccess {
        try await write { db in
            guard var access = try db.run(ComplianceSQL.emergencyAccess(id: id), EmergencyAccess.init(stored:)).first
            else { throw StoreError.notFound("emergency access \(id)") }
            try change(&access)
            try db.run(ComplianceSQL.reviewEmergencyAccess(access))
            try Self.append(audit, in: db)
            return access
        }
    }

    public func revokeGrants(deviceID: DeviceID, at time: Date, audit: AuditEventDraft) async throws {
        try await write { db in
            guard try !db.run(ComplianceSQL.revokeGrants(of: deviceID, at: time), { _ in true }).isEmpty else {
                throw StoreError.notFound("evaluated device \(deviceID)")
            }
            try Self.append(audit, in: db)
        }
    }

    public func grantKeys() async throws -> [SigningKeyRecord] {
        try await pool.read { db in try db.run(ComplianceSQL.grantKeys, SigningKeyRecord.init(storedGrantKey:)) }
    }

    public func addGrantKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws {
        try await write { db in
            try db.run(ComplianceSQL.retireGrantKeys(at: time))
            try db.run(ComplianceSQL.insertGrantKey(key, at: time))
            try Self.append(audit, in: db)
        }
    }
}
