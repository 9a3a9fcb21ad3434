import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func agreements() async throws -> [Agreement] {
        try await pool.read { db in try db.run(AgreementSQL.agreements, Agreement.init(stored:)) }
    }

    public func agreement(id: AgreementID) async throws -> Agreement? {
        try await pool.read { db in try db.run(AgreementSQL.agreement(id: id), Agreement.init(stored:)).first }
    }

    public func publishAgreement(_ agreement: Agreement, audit: AuditEventDraft) async throws {
        try await write { db in
            guard try !db.run(AgreementSQL.insertAgreement(agreement), { _ in true }).isEmpty else {
                throw StoreError.conflict("\(agreement.name) version \(agreement.version) was published meanwhile")
            }
            try Self.append(audit, in: db)
        }
    }

    public func acceptAgreement(_ acceptance: AgreementAcceptance, audit: AuditEventDraft) async throws
        -> AgreementAcceptance
    {
        try await write { db in
            if let earlier = try db.run(
                AgreementSQL.acceptance(agreementID: acceptance.agreementID, personID: acceptance.personID),
                AgreementAcceptance.init(stored:)
            ).first {
                return earlier
            }
            var accepted = try AcceptedAgreements(
                stored: db.run(AgreementSQL.acceptedAgreements(of: acceptance.personID)) { try $0.text(0) }.first ?? "")
            accepted.insert(name: acceptance.name, version: acceptance.version)
            try db.run(AgreementSQL.insertAcceptance(acceptance))
            try db.run(AgreementSQL.recordAccepted(accepted, of: acceptance.personID))
            try Self.append(audit, in: db)
            return acceptance
        }
    }

    public func acceptances(agreementID: AgreementID?, personID: PersonID?, _ page: PageRequest) async throws
        -> Page<AgreementAcceptance>
    {
        let acceptances = try await pool.read { db in
            try db.run(
                AgreementSQL.acceptances(agreementID: agreementID, personID: personID, page),
                AgreementAcceptance.init(stored:))
        }
        return Page(fetched: acceptances, request: page, key: \.id.rawValue)
    }

    public func personalDeviceHolders() async throws -> [AgreementHolder] {
        try await pool.read { db in try db.run(AgreementSQL.personalDeviceHolders, AgreementHolder.init(stored:)) }
    }

    public func byodSettings() async throws -> BYODSettings {
        try await pool.read { db in try db.run(AgreementSQL.settings, BYODSettings.init(stored:)).first } ?? BYODSettings()
    }

    public func saveBYODSettings(_ settings: BYODSettings, replacingVersion: Int, audit: AuditEventDraft) async throws {
        try await write { db in
            let current = try db.run(AgreementSQL.settings, BYODSettings.init(stored:)).first ?? BYODSettings()
            let saved = try db.run(
                AgreementSQL.saveSettings(settings, replacingVersion: replacingVersion, at: audit.occurredAt), { _ in true })
            guard !saved.isEmpty else { throw StoreError.conflict("the BYOD settings changed meanwhile; read them again") }
            for (ownership, fields) in settings.collection.fieldsNoLongerCollected(since: current.collection) {
                try Self.erase(fields, of: ownership, in: db)
            }
            try Self.append(audit, in: db)
        }
    }

    /// Erases what devices of `ownership` hold of `fields` (``CollectedFieldErasure``).
    static func erase(_ fields: Set<CollectedField>, of ownership: Ownership, in db: Database) throws {
        for statement in CollectedFieldErasure.columnStatements(fields, of: ownership) { try db.run(statement) }
        guard CollectedFieldErasure.touchesPostures(fields) else { return }
        let read = { (row: Row) in (id: try row.text(0), posture: try row.text(1)) }
        for (id, json) in try db.run(CollectedFieldErasure.latestPostures(of: ownership), read) {
            if let erased = try CollectedFieldErasure.erasing(fields, from: json, column: "devices.posture") {
                try db.run(CollectedFieldErasure.rewriteLatest(id: id, posture: erased))
            }
        }
        for (id, json) in try db.run(CollectedFieldErasure.historyPostures(of: ownership), read) {
            if let erased = try CollectedFieldErasure.erasing(fields, from: json, column: "device_postures.posture") {
                try db.run(CollectedFieldErasure.rewriteHistory(id: id, posture: erased))
            }
        }
    }
}
