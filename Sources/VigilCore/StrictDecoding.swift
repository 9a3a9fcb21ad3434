/// A coding key for any field name, to see every key of an object.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Refuses an object with a field other than `known`, so that a misspelt rule is an error
    /// rather than a rule silently left out.
    /// - Throws: `DecodingError.dataCorrupted` at the unknown field.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let known = Set(keys.allCases.map(\.stringValue))
        let container = try container(keyedBy: AnyCodingKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
                    debugDescription: "must be left out: it is not a known field"))
        }
    }
}
