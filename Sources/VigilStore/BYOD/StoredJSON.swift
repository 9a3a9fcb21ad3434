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

    /// Reads a column's JSON document.
    /// - Throws: ``StoreError/corruptRecord(_:)`` naming `column` when it is not a `Value`.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        guard let value = try? decoder.decode(type, from: Data(text.utf8)) else {
            throw StoreError.corruptRecord("\(column) is not a \(type)")
        }
        return value
    }
}
