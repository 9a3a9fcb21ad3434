import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func securityPolicies() async throws -> [SecurityPolicy] {
        try await read(ComplianceSQL.policies, PolicyJSON.decode(stored:))
    }

    public func applyPolicyChanges(_ changes: [PolicyChange], at time: Date, audit: [AuditEventDraft]) async throws {
        try await transaction { connection in
            for change in changes {
                let applied = try await connection.run(ComplianceSQL.apply(change, at: time), logger: logger) { _ in true }
                if applied.isEmpty { throw StoreError.conflict("policy \(change.name) changed meanwhile; read it again") }
            }
            try await append(audit, on: connection)
        }
    }

    public func evaluationSubjects(after: DeviceID?, limit: Int, at now: Date) async throws -> [EvaluationSubject] {
        try await withPlaceFacts(
            try await read(
                ComplianceSQL.subjects(after: after, deviceID: nil, limit: limit, at: now), EvaluationSubject.init(stored:)),
            at: now)
    }

    public func evaluationSubject(deviceID: DeviceID, at now: Date) async throws -> EvaluationSubject? {
        try await withPlaceFacts(
            try await read(
                ComplianceSQL.subjects(after: nil, deviceID: deviceID, limit: 1, at: now), EvaluationSubject.init(stored:)),
            at: now
        ).first
    }

    public func recordEvaluations(_ outcomes: [EvaluationOutcome]) async throws -> [DeviceID] {
        let changed = outcomes.filter(\.changed)
        guard !changed.isEmpty else { return [] }
        return try await transaction { connection in
            var lost: [DeviceID] = []
            var events: [AuditEventDraft] = []
            var dueActions: [DueAction] = []
            for outcome in changed {
                let written = try await connection.run(ComplianceSQL.recordState(outcome), logger: logger) { _ in true }
                guard !written.isEmpty else {
                    lost.append(outcome.deviceID)
                    continue
                }
                try await connection.run(ComplianceSQL.recordCompliance(outcome), logger: logger)
                if outcome.cancelsDueActions {
                    try await connection.run(
                        ComplianceSQL.cancelDueActions(of: outcome.deviceID, at: outcome.state.evaluatedAt), logger: logger)
                }
                dueActions += outcome.newDueActions
                events += outcome.events
            }
            for start in stride(from: 0, to: dueActions.count, by: ComplianceSQL.dueActionsPerInsert) {
                let end = min(start + ComplianceSQL.dueActionsPerInsert, dueActions.count)
                try await connection.run(ComplianceSQL.insertDueActions(dueActions[start..<end]), logger: logger)
            }
            try await append(events, on: connection)
            return lost
        }
    }

    public func dueActions(deviceID: DeviceID?, state: DueActionState?, _ page: PageRequest) async throws
        -> Page<DueAction>
    {
        let actions = try await read(
            ComplianceSQL.dueActions(deviceID: deviceID, state: state, page), DueAction.init(stored:))
        return Page(fetched: actions, request: page, key: \.id.rawValue)
    }

    public func createEmergencyAccess(_ access: EmergencyAccess, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await connection.run(ComplianceSQL.insertEmergencyAccess(access), logger: logger)
            try await append(audit, on: connection)
        }
    }

    public func emergencyAccess(id: Identifier<EmergencyAccess>) async throws -> EmergencyAccess? {
        try await read(ComplianceSQL.emergencyAccess(id: id), EmergencyAccess.init(stored:)).first
    }

    public func emergencyAccesses(unreviewedOnly: Bool, _ page: PageRequest) async throws -> Page<EmergencyAccess> {
        let accesses = try await read(
            ComplianceSQL.emergencyAccesses(unreviewedOnly: unreviewedOnly, page), EmergencyAccess.init(stored:))
        return Page(fetched: accesses, request: page, key: \.id.rawValue)
    }

    public func updateEmergencyAccess(
        id: Identifier<EmergencyAccess>, audit: AuditEventDraft,
        _ change: @escaping @Sendable (inout EmergencyAccess) throws -> Void
    ) async throws -> EmergencyAccess {
        try await transaction { connection in
            var statement = ComplianceSQL.emergencyAccess(id: id)
            statement.sql += DeviceSQL.lock
            guard var access = try await connection.run(statement, logger: logger, EmergencyAccess.init(stored:)).first
            else { throw StoreError.notFound("emergency access \(id)") }
            try change(&access)
            try await connection.run(ComplianceSQL.reviewEmergencyAccess(access), logger: logger)
            try await append(audit, on: connection)
            return access
        }
    }

    public func revokeGrants(deviceID: DeviceID, at time: Date, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            let revoked = try await connection.run(ComplianceSQL.revokeGrants(of: deviceID, at: time), logger: logger) { _ in true }
            if revoked.isEmpty { throw StoreError.notFound("evaluated device \(deviceID)") }
            try await append(audit, on: connection)
        }
    }

    public func grantKeys() async throws -> [SigningKeyRecord] {
        try await read(ComplianceSQL.grantKeys, SigningKeyRecord.init(storedGrantKey:))
    }

    public func addGrantKey(_ key: Ed25519PublicKey, at time: Date, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            try await connection.run(ComplianceSQL.retireGrantKeys(at: time), logger: logger)
            try await connection.run(ComplianceSQL.insertGrantKey(key, at: time), logger: logger)
            try await append(audit, on: connection)
        }
    }
}
