import Foundation
import VigilCore

/// The statements of agreements, acceptances and the BYOD settings, written once for both backends.
enum AgreementSQL {
    static let agreementColumns = "id, name, version, document"

    static let agreements = SQLStatement("SELECT \(agreementColumns) FROM agreements ORDER BY name, version")

    static func agreement(id: AgreementID) -> SQLStatement {
        SQLStatement("SELECT \(agreementColumns) FROM agreements WHERE id = ?", [.identifier(id)])
    }

    /// Inserts a version unless its name and version exist; returns the row when it inserted.
    static func insertAgreement(_ agreement: Agreement) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO agreements (id, name, version, kind, sha256, effective_at, published_at, document)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, version) DO NOTHING RETURNING id
            """,
            [.identifier(agreement.id), .text(agreement.name), .integer(Int64(agreement.version)),
             .enumeration(agreement.kind), .text(agreement.sha256), .date(agreement.effectiveAt),
             .date(agreement.publishedAt), .text(StoredJSON.encode(agreement))])
    }

    static let acceptanceColumns = """
        c.id, c.agreement_id, a.name, a.version, c.sha256, c.person_id, c.device_id, c.accepted_at
        """

    static func acceptance(agreementID: AgreementID, personID: PersonID) -> SQLStatement {
        SQLStatement(
            """
            SELECT \(acceptanceColumns) FROM agreement_acceptances c JOIN agreements a ON a.id = c.agreement_id
            WHERE c.agreement_id = ? AND c.person_id = ?
            """, [.identifier(agreementID), .identifier(personID)])
    }

    static func insertAcceptance(_ acceptance: AgreementAcceptance) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO agreement_acceptances (id, agreement_id, person_id, device_id, sha256, accepted_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [.identifier(acceptance.id), .identifier(acceptance.agreementID), .identifier(acceptance.personID),
             .identifier(acceptance.deviceID), .text(acceptance.sha256), .date(acceptance.acceptedAt)])
    }

    static func acceptedAgreements(of personID: PersonID) -> SQLStatement {
        SQLStatement("SELECT accepted FROM person_agreements WHERE person_id = ?", [.identifier(personID)])
    }

    static func recordAccepted(_ accepted: AcceptedAgreements, of personID: PersonID) -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO person_agreements (person_id, accepted) VALUES (?, ?)
            ON CONFLICT (person_id) DO UPDATE SET accepted = excluded.accepted
            """, [.identifier(personID), .text(accepted.stored)])
    }

    /// Newest first; the cursor is an acceptance ID.
    static func acceptances(agreementID: AgreementID?, personID: PersonID?, _ page: PageRequest) -> SQLStatement {
        var statement = SQLStatement(
            "SELECT \(acceptanceColumns) FROM agreement_acceptances c JOIN agreements a ON a.id = c.agreement_id WHERE 1 = 1")
        if let after = page.after {
            statement.sql += " AND c.id < ?"
            statement.values.append(.text(after))
        }
        if let agreementID {
            statement.sql += " AND c.agreement_id = ?"
            statement.values.append(.identifier(agreementID))
        }
        if let personID {
            statement.sql += " AND c.person_id = ?"
            statement.values.append(.identifier(personID))
        }
        statement.sql += " ORDER BY c.id DESC LIMIT ?"
        statement.values.append(.integer(Int64(page.limit + 1)))
        return statement
    }

    /// People with personal devices in service, by ID.
    static let personalDeviceHolders = SQLStatement(
        """
        SELECT p.id, p.name, p.roles, p.affiliation, pa.accepted, COUNT(d.id)
        FROM people p JOIN devices d ON d.person_id = p.id
        LEFT JOIN person_agreements pa ON pa.person_id = p.id
        WHERE d.retired_at IS NULL AND d.ownership IN ('byod', 'patient_owned')
        GROUP BY p.id, p.name, p.roles, p.affiliation, pa.accepted ORDER BY p.id
        """)

    static let settingsName = "byod"

    static let settings = SQLStatement(
        "SELECT version, document FROM byod_settings WHERE name = ?", [.text(settingsName)])

    /// Writes the settings if they are still at `replacingVersion`; returns a row when it wrote.
    static func saveSettings(_ settings: BYODSettings, replacingVersion: Int, at time: Date) -> SQLStatement {
        let document = StoredJSON.encode(settings)
        guard replacingVersion > 0 else {
            return SQLStatement(
                """
                INSERT INTO byod_settings (name, version, document, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, [.text(settingsName), .integer(Int64(settings.version)), .text(document), .date(time)])
        }
        return SQLStatement(
            """
            UPDATE byod_settings SET version = ?, document = ?, updated_at = ? WHERE name = ? AND version = ?
            RETURNING name
            """,
            [.integer(Int64(settings.version)), .text(document), .date(time), .text(settingsName),
             .integer(Int64(replacingVersion))])
    }
}
