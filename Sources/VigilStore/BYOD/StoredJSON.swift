import Foundation
import VigilCore

/// Records kept whole as JSON documents in a column (agreements, BYOD settings, catalog apps,
/// risk snapshots), encoded and decoded one way for both backends.
enum StoredJSON {
    private static let encoder = VigilJSON.makeEncoder()
    private static let decoder = VigilJSON.makeDecoder()

    /// The JSON of a value that always encodes.
    static func encode(_ value: some Encodable) -> String {
        String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The JSON of the last value of each type encoded, for rows that repeat one value (a
    /// batch's commands): encoded again only when the value changes.
    struct Memo {
        private var last: [ObjectIdentifier: (value: any Sendable, json: String)] = [:]

        /// The JSON of `value`.
        mutating func encode<Value: Encodable & Equatable & Sendable>(_ value: Value) -> String {
            let key = ObjectIdentifier(Value.self)
            if let cached = last[key], let previous = cached.value as? Value, previous == value { return cached.json }
            let json = StoredJSON.encode(value)
            last[key] = (value, json)
            return json
        }
    }

    /// Reads a column's JSON document.
    /// - Throws: ``StoreError/corruptRecord(_:)`` naming `column` when it is not a `Value`.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        guard let value = try? decoder.decode(type, from: Data(text.utf8)) else {
            throw StoreError.corruptRecord("\(column) is not a \(type)")
        }
        return value
    }
}
