/// A dotted version number such as `17.5.1` or `10.0.22631`, compared part by part as numbers
/// (`17.10` is newer than `17.9`; missing parts count as 0, so `14` equals `14.0`). A suffix after
/// the numbers (`-beta`, ` (21F90)`) is ignored.
public struct SoftwareVersion: Comparable, Sendable, CustomStringConvertible {
    /// The numeric parts.
    public let parts: [Int]

    /// Reads a version; `nil` unless it starts with a number.
    public init?(_ text: String) {
        var parts: [Int] = []
        var current: Int?
        for byte in text.utf8 {
            if (0x30...0x39).contains(byte) {
                let digit = Int(byte - 0x30)
                guard (current ?? 0) < 100_000_000 else { return nil }
                current = (current ?? 0) * 10 + digit
            } else if byte == 0x2E, let value = current {
                parts.append(value)
                current = nil
            } else {
                break
            }
        }
        if let current { parts.append(current) }
        guard !parts.isEmpty, parts.count <= 8 else { return nil }
        self.parts = parts
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }

    public static func < (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
}
