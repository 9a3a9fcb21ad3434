import Foundation

/// Reading and writing RFC 3339 timestamps, the only time format of the API.
public enum RFC3339 {
    /// Parses a timestamp with or without fractional seconds, such as `2026-11-29T06:30:00Z` or
    /// `2026-11-29T07:30:00.250+01:00`.
    /// - Parameter text: The timestamp.
    /// - Returns: The instant, or `nil` when the text is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        if let date = parseUTCMilliseconds(text) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    /// Formats an instant in UTC with millisecond precision.
    /// - Parameter date: The instant.
    /// - Returns: Text such as `2026-11-29T06:30:00.250Z`.
    public static func format(_ date: Date) -> String {
        // Formatted from whole milliseconds, by hand: Foundation's fractional formatting truncates
        // binary fractions (…123 ms could print as .122), and its formatters are slow for a
        // timestamp in every response.
        let milliseconds = date.millisecondsSince1970
        let fraction = (milliseconds % 1000 + 1000) % 1000  // 0...999, also before 1970
        let seconds = (milliseconds - fraction) / 1000
        let secondOfDay = (seconds % 86_400 + 86_400) % 86_400
        let (year, month, day) = CivilDate.from(daysSince1970: (seconds - secondOfDay) / 86_400)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int64, digits: Int) {
            let string = String(value)
            text += String(repeating: "0", count: max(0, digits - string.count)) + string
        }
        append(year, digits: 4)
        text += "-"
        append(month, digits: 2)
        text += "-"
        append(day, digits: 2)
        text += "T"
        append(secondOfDay / 3_600, digits: 2)
        text += ":"
        append(secondOfDay % 3_600 / 60, digits: 2)
        text += ":"
        append(secondOfDay % 60, digits: 2)
        text += "."
        append(fraction, digits: 3)
        text += "Z"
        return text
    }

    /// The fast path for the form Vigil itself writes, `2026-11-29T06:30:00.250Z`; anything else
    /// goes to Foundation's parser.
    static func parseUTCMilliseconds(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ start: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let days = CivilDate.daysSince1970(year: year, month: month, day: day)
        return Date(millisecondsSince1970: ((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1000) + millisecond)
    }
}

/// Conversions between days since 1970-01-01 and proleptic Gregorian dates (Howard Hinnant's
/// algorithms), for formatting and parsing timestamps without a calendar object.
enum CivilDate {
    static func from(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whole days from the calendar date `text` (`YYYY-MM-DD`, UTC) to `now`; `nil` when `text`
    /// is not a date. Negative when the date is in the future.
    static func daysBetween(_ text: String, and now: Date) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]) else {
            return nil
        }
        let nowDays = Int64((now.timeIntervalSince1970 / 86_400).rounded(.down))
        return Int(nowDays - daysSince1970(year: year, month: month, day: day))
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
