import Foundation
import VigilCore
import VigilStore

/// The demo hospital that `vigil serve --demo` loads into an empty database: two facilities and
/// people in every role and affiliation, so that a newcomer has something to look at.
public enum DemoHospital {
    /// The demo hospital's configuration: the example policy file shipped with Vigil
    /// (`Sources/VigilServer/Resources/hospital.yaml`), its policies and BYOD program.
    /// - Throws: ``PolicyFileError`` if the shipped file is broken (a test reads it too).
    public static func file() throws -> PolicyFile {
        guard let url = Bundle.module.url(forResource: "hospital", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { throw PolicyFileError(line: nil, field: "", message: "the example policy file is missing from the build") }
        return try PolicyFile.parse(text)
    }

    /// The demo hospital's policies, those of ``file()``.
    /// - Throws: ``PolicyFileError`` if the shipped file is broken (a test reads it too).
    public static func policies() throws -> [SecurityPolicy] { try file().policies }

    /// The facilities and people of the demo, created at `now`.
    /// - Parameters:
    ///   - now: The creation time of every record.
    ///   - includeAdministrator: Whether to add the demo administrator (not when one exists).
    /// - Returns: The records, and the demo administrator if included.
    public static func records(at now: Date, includeAdministrator: Bool) -> (SeedData, administrator: Person?) {
        func facility(_ name: String, _ address: String, _ zone: String) -> Facility {
            Facility(id: .generate(at: now), name: name, address: address, timeZone: zone, createdAt: now, updatedAt: now)
        }
        let general = facility("Mercy General Hospital", "1200 Harbor Avenue, Springfield, IL 62701", "America/Chicago")
        let clinic = facility("Lakeside Outpatient Clinic", "48 Lakeshore Drive, Springfield, IL 62704", "America/Chicago")

        func person(
            _ name: String, _ email: String, _ affiliation: Affiliation, _ roles: Set<Role>, _ facilities: [Facility]
        ) -> Person {
            Person(
                id: .generate(at: now), name: name, email: email, affiliation: affiliation, roles: roles,
                facilityIDs: Set(facilities.map(\.id)), status: .active, createdAt: now, updatedAt: now)
        }
        let administrator = person("Dana Whitfield", "dana.whitfield@mercy.example", .employee, [.admin], [general, clinic])
        var people = [
            person("Samir Haddad", "samir.haddad@mercy.example", .employee, [.securityOfficer], [general, clinic]),
            person("Ruth Okonkwo", "ruth.okonkwo@audit.example", .contractor, [.auditor], []),
            person("Grace Lindqvist", "grace.lindqvist@mercy.example", .employee, [.nurseManager, .clinician], [general]),
            person("Dr. Mateo Alvarez", "mateo.alvarez@mercy.example", .employee, [.clinician], [general]),
            person("Priya Raman, RN", "priya.raman@mercy.example", .employee, [.clinician], [general, clinic]),
            person("Dr. Helen Brandt", "helen.brandt@brandtcardiology.example", .affiliatedClinician, [.clinician], [clinic]),
            person("Tom Becker", "tom.becker@patients.example", .patient, [.patient], []),
        ]
        if includeAdministrator { people.insert(administrator, at: 0) }
        return (SeedData(facilities: [general, clinic], people: people, tokens: []),
                includeAdministrator ? administrator : nil)
    }
}
