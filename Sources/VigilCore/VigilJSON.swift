import Foundation

/// The JSON conventions of every Vigil interface, the API and the agent protocol alike:
/// camelCase keys, sorted on output, and RFC 3339 times with milliseconds.
public enum VigilJSON {
    /// An encoder with Vigil's conventions.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }

    /// A decoder with Vigil's conventions; a time that is not RFC 3339 is a decoding error.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be an RFC 3339 time such as 2026-11-29T06:30:00Z")
            }
            return date
        }
        return decoder
    }
}
