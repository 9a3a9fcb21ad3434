import Foundation
import PostgresNIO
import VigilCore

extension PostgresStore {
    public func agreements() async throws -> [Agreement] {
        try await read(AgreementSQL.agreements, Agreement.init(stored:))
    }

    public func agreement(id: AgreementID) async throws -> Agreement? {
        try await read(AgreementSQL.agreement(id: id), Agreement.init(stored:)).first
    }

    public func publishAgreement(_ agreement: Agreement, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            let inserted = try await connection.run(AgreementSQL.insertAgreement(agreement), logger: logger) { _ in true }
            guard !inserted.isEmpty else {
                throw StoreError.conflict("\(agreement.name) version \(agreement.version) was published meanwhile")
            }
            try await append(audit, on: connection)
        }
    }

    public func acceptAgreement(_ acceptance: AgreementAcceptance, audit: AuditEventDraft) async throws
        -> AgreementAcceptance
    {
        try await transaction { connection in
            // Write transactions are serialized: the summary read here is still current at the write.
            if let earlier = try await connection.run(
                AgreementSQL.acceptance(agreementID: acceptance.agreementID, personID: acceptance.personID), logger: logger,
                AgreementAcceptance.init(stored:)
            ).first {
                return earlier
            }
            let stored = try await connection.run(
                AgreementSQL.acceptedAgreements(of: acceptance.personID), logger: logger) { try $0.text(0) }.first
            var accepted = try AcceptedAgreements(stored: stored ?? "")
            accepted.insert(name: acceptance.name, version: acceptance.version)
            try await connection.run(AgreementSQL.insertAcceptance(acceptance), logger: logger)
            try await connection.run(AgreementSQL.recordAccepted(accepted, of: acceptance.personID), logger: logger)
            try await append(audit, on: connection)
            return acceptance
        }
    }

    public func acceptances(agreementID: AgreementID?, personID: PersonID?, _ page: PageRequest) async throws
        -> Page<AgreementAcceptance>
    {
        let acceptances = try await read(
            AgreementSQL.acceptances(agreementID: agreementID, personID: personID, page), AgreementAcceptance.init(stored:))
        return Page(fetched: acceptances, request: page, key: \.id.rawValue)
    }

    public func personalDeviceHolders() async throws -> [AgreementHolder] {
        try await read(AgreementSQL.personalDeviceHolders, AgreementHolder.init(stored:))
    }

    public func byodSettings() async throws -> BYODSettings {
        try await read(AgreementSQL.settings, BYODSettings.init(stored:)).first ?? BYODSettings()
    }

    public func saveBYODSettings(_ settings: BYODSettings, replacingVersion: Int, audit: AuditEventDraft) async throws {
        try await transaction { connection in
            let current =
                try await connection.run(AgreementSQL.settings, logger: logger, BYODSettings.init(stored:)).first
                ?? BYODSettings()
            let saved = try await connection.run(
                AgreementSQL.saveSettings(settings, replacingVersion: replacingVersion, at: audit.occurredAt),
                logger: logger
            ) { _ in true }
            guard !saved.isEmpty else { throw StoreError.conflict("the BYOD settings changed meanwhile; read them again") }
            for (ownership, fields) in settings.collection.fieldsNoLongerCollected(since: current.collection) {
                try await erase(fields, of: ownership, on: connection)
            }
            try await append(audit, on: connection)
        }
    }

    /// Erases what devices of `ownership` hold of `fields` (``CollectedFieldErasure``).
    func erase(_ fields: Set<CollectedField>, of ownership: Ownership, on connection: PostgresConnection) async throws {
        for statement in CollectedFieldErasure.columnStatements(fields, of: ownership) {
            try await connection.run(statement, logger: logger)
        }
        guard CollectedFieldErasure.touchesPostures(fields) else { return }
        let read = { (row: PostgresRandomAccessRow) in (id: try row.text(0), posture: try row.text(1)) }
        for (id, json) in try await connection.run(CollectedFieldErasure.latestPostures(of: ownership), logger: logger, read) {
            if let erased = try CollectedFieldErasure.erasing(fields, from: json, column: "devices.posture") {
                try await connection.run(CollectedFieldErasure.rewriteLatest(id: id, posture: erased), logger: logger)
            }
        }
        for (id, json) in try await connection.run(CollectedFieldErasure.historyPostures(of: ownership), logger: logger, read) {
            if let erased = try CollectedFieldErasure.erasing(fields, from: json, column: "device_postures.posture") {
                try await connection.run(CollectedFieldErasure.rewriteHistory(id: id, posture: erased), logger: logger)
            }
        }
    }
}
