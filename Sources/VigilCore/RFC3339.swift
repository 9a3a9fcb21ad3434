import Foundation

/// Reading and writing RFC 3339 timestamps, the only time format of the API.
public enum RFC3339 {
    /// Parses a timestamp with or without fractional seconds, such as `2026-11-29T06:30:00Z` or
    /// `2026-11-29T07:30:00.250+01:00`.
    /// - Parameter text: The timestamp.
    /// - Returns: The instant, or `nil` when the text is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    /// Formats an instant in UTC with millisecond precision.
    /// - Parameter date: The instant.
    /// - Returns: Text such as `2026-11-29T06:30:00.250Z`.
    public static func format(_ date: Date) -> String {
        // Formatted from whole milliseconds: Foundation's fractional formatting truncates binary
        // fractions (…123 ms could print as .122).
        let milliseconds = date.millisecondsSince1970
        let seconds = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let wholeSeconds = seconds.remainder < 0 ? seconds.quotient - 1 : seconds.quotient
        let fraction = seconds.remainder < 0 ? seconds.remainder + 1000 : seconds.remainder
        let text = Date(timeIntervalSince1970: Double(wholeSeconds)).formatted(Date.ISO8601FormatStyle())
        return String(text.dropLast()) + "." + String(String(fraction + 1000).dropFirst()) + "Z"
    }
}
