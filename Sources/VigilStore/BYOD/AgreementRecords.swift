import Foundation
import VigilCore

// Conversions between agreement records and their columns, shared by both backends.

extension Agreement {
    /// Reads the columns of ``AgreementSQL/agreementColumns``.
    init(stored row: some StoredRow) throws {
        let agreement = try StoredJSON.decode(Agreement.self, from: try row.text(3), column: "agreements.document")
        guard agreement.id.rawValue == (try row.text(0)), agreement.name == (try row.text(1)),
            agreement.version == Int(try row.integer(2)), agreement.sha256 == Agreement.hash(of: agreement.text)
        else { throw StoreError.corruptRecord("agreements row \(try row.text(0)) does not match its document") }
        self = agreement
    }
}

extension AgreementAcceptance {
    /// Reads the columns of ``AgreementSQL/acceptanceColumns``.
    init(stored row: some StoredRow) throws {
        self.init(
            id: try row.identifier(0), agreementID: try row.identifier(1), name: try row.text(2),
            version: Int(try row.integer(3)), sha256: try row.text(4), personID: try row.identifier(5),
            deviceID: try row.optionalIdentifier(6), acceptedAt: try row.date(7))
    }
}

extension AgreementHolder {
    /// Reads the columns of ``AgreementSQL/personalDeviceHolders``.
    init(stored row: some StoredRow) throws {
        self.init(
            personID: try row.identifier(0), name: try row.text(1),
            roles: try StoredList.decode(try row.text(2), as: Role.self, column: "people.roles"),
            affiliation: try row.enumeration(3, column: "people.affiliation"),
            accepted: try AcceptedAgreements(stored: try row.optionalText(4) ?? ""), devices: Int(try row.integer(5)))
    }
}

extension BYODSettings {
    /// Reads the columns of ``AgreementSQL/settings``.
    init(stored row: some StoredRow) throws {
        var settings = try StoredJSON.decode(BYODSettings.self, from: try row.text(1), column: "byod_settings.document")
        settings.version = Int(try row.integer(0))
        self = settings
    }
}
