import Foundation

extension Date {
    /// Milliseconds since 1970, to the nearest: the precision Vigil stores and returns. Rounding
    /// to the nearest (not down) makes `Date(millisecondsSince1970: n).millisecondsSince1970 == n`
    /// despite binary floating point.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This instant rounded to the nearest millisecond, so that it survives a round trip through
    /// the store unchanged.
    public var roundedToMilliseconds: Date {
        Date(millisecondsSince1970: millisecondsSince1970)
    }
}
