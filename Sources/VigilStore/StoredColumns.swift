import Foundation
import VigilCore

// The column lists and value conversions both backends share, so that a row means the same in
// SQLite and in PostgreSQL. Times are whole milliseconds since 1970 (BIGINT); sets of roles and
// facility IDs are sorted JSON arrays of strings (TEXT).

enum Columns {
    static let person = "id, name, email, affiliation, roles, facility_ids, status, created_at, updated_at"
    static let facility = "id, name, address, time_zone, created_at, updated_at"
    static let token = "id, owner_id, name, scopes, created_at, expires_at, revoked_at, last_used_at, created_by"
    static let auditEvent = """
        sequence, id, occurred_at, actor_kind, actor_id, actor_token_id, action, target_type, target_id, \
        outcome, reason, source_address, request_id, phi_patient_id, phi_device_id, phi_purpose, phi_place
        """
    /// The token columns prefixed with `t.`, for joins.
    static let tokenQualified = token.split(separator: ",").map { "t.\($0.trimmingCharacters(in: .whitespaces))" }
        .joined(separator: ", ")
    /// The person columns prefixed with `p.`, for joins.
    static let personQualified = person.split(separator: ",").map { "p.\($0.trimmingCharacters(in: .whitespaces))" }
        .joined(separator: ", ")
}

/// Encodes and decodes the JSON arrays stored in TEXT columns.
enum StoredList {
    static func encode<Value: RawRepresentable>(_ values: Set<Value>) -> String where Value.RawValue == String {
        let sorted = values.map(\.rawValue).sorted()
        let data = try! JSONEncoder().encode(sorted)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode<Value: RawRepresentable>(_ text: String, as _: Value.Type, column: String) throws -> Set<Value>
    where Value.RawValue == String {
        guard let raw = plainStrings(text) ?? (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) else {
            throw StoreError.corruptRecord("\(column) is not a JSON array of strings")
        }
        var values = Set<Value>()
        for item in raw {
            guard let value = Value(rawValue: item) else {
                throw StoreError.corruptRecord("\(column) holds an unknown value")
            }
            values.insert(value)
        }
        return values
    }
}

extension StoredList {
    /// The strings of a list as ``encode(_:)`` writes it, `["a","b"]`, read without a JSON decoder
    /// (every read of a person or a device's person goes through here); `nil` for any other text,
    /// such as one with escapes, which the JSON decoder then reads.
    static func plainStrings(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"),
            !bytes.contains(UInt8(ascii: "\\"))
        else { return nil }
        if bytes.count == 2 { return [] }
        var strings: [String] = []
        for item in bytes[1..<(bytes.count - 1)].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard item.count >= 2, item.first == UInt8(ascii: "\""), item.last == UInt8(ascii: "\""),
                !item.dropFirst().dropLast().contains(UInt8(ascii: "\""))
            else { return nil }
            strings.append(String(decoding: item.dropFirst().dropLast(), as: UTF8.self))
        }
        return strings
    }
}

extension StoredList {
    /// Texts in the order given, as a JSON array; `nil` (NULL) for none.
    static func encode(texts: [String]) -> String? {
        texts.isEmpty ? nil : String(decoding: try! JSONEncoder().encode(texts), as: UTF8.self)
    }

    /// Reads what ``encode(texts:)`` wrote.
    /// - Throws: ``StoreError/corruptRecord(_:)`` when the text is not a JSON array of strings.
    static func decode(texts text: String?, column: String) throws -> [String] {
        guard let text else { return [] }
        guard let texts = plainStrings(text) ?? (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) else {
            throw StoreError.corruptRecord("\(column) is not a JSON array of strings")
        }
        return texts
    }
}

/// Turns a stored string back into an enumeration, or reports the row as corrupt.
func storedEnum<Value: RawRepresentable>(_ raw: String, column: String) throws -> Value where Value.RawValue == String {
    guard let value = Value(rawValue: raw) else { throw StoreError.corruptRecord("\(column) holds an unknown value") }
    return value
}

extension Person {
    /// Rebuilds a person from its stored columns, in ``Columns/person`` order.
    init(
        storedID id: String, name: String, email: String, affiliation: String, roles: String, facilityIDs: String,
        status: String, createdAt: Int64, updatedAt: Int64
    ) throws {
        self.init(
            id: PersonID(rawValue: id), name: name, email: email,
            affiliation: try storedEnum(affiliation, column: "people.affiliation"),
            roles: try StoredList.decode(roles, as: Role.self, column: "people.roles"),
            facilityIDs: try StoredList.decode(facilityIDs, as: FacilityID.self, column: "people.facility_ids"),
            status: try storedEnum(status, column: "people.status"),
            createdAt: Date(millisecondsSince1970: createdAt), updatedAt: Date(millisecondsSince1970: updatedAt))
    }
}

extension Facility {
    /// Rebuilds a facility from its stored columns, in ``Columns/facility`` order.
    init(storedID id: String, name: String, address: String, timeZone: String, createdAt: Int64, updatedAt: Int64) {
        self.init(
            id: FacilityID(rawValue: id), name: name, address: address, timeZone: timeZone,
            createdAt: Date(millisecondsSince1970: createdAt), updatedAt: Date(millisecondsSince1970: updatedAt))
    }
}

extension APIToken {
    /// Rebuilds a token from its stored columns, in ``Columns/token`` order.
    init(
        storedID id: String, ownerID: String, name: String, scopes: String, createdAt: Int64, expiresAt: Int64,
        revokedAt: Int64?, lastUsedAt: Int64?, createdBy: String?
    ) throws {
        self.init(
            id: APITokenID(rawValue: id), ownerID: PersonID(rawValue: ownerID), name: name,
            scopes: try StoredList.decode(scopes, as: Role.self, column: "api_tokens.scopes"),
            createdAt: Date(millisecondsSince1970: createdAt), expiresAt: Date(millisecondsSince1970: expiresAt),
            revokedAt: revokedAt.map(Date.init(millisecondsSince1970:)),
            lastUsedAt: lastUsedAt.map(Date.init(millisecondsSince1970:)),
            createdBy: createdBy.map(PersonID.init(rawValue:)))
    }
}
