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
        let fraction = (milliseconds % 1000 + 1000) % 1000  // 0...999, also before 1970
        let wholeSeconds = Date(timeIntervalSince1970: Double((milliseconds - fraction) / 1000))
        return wholeSeconds.formatted(Date.ISO8601FormatStyle()).dropLast() + String(format: ".%03dZ", Int(fraction))
    }
}
