import Foundation

/// A shift a person works at a facility (`docs/geofencing.md`, "Shifts"): the minimal model that
/// the access decision's shift input needs. Full scheduling comes later.
public struct Shift: IdentifiedEntity, Codable, Sendable, Equatable {
    public static let identifierPrefix = "shf"

    /// Unique identifier.
    public let id: ShiftID
    /// Who works it.
    public let personID: PersonID
    /// Where.
    public let facilityID: FacilityID
    /// The unit or ward, such as `4 West`.
    public let unit: String?
    /// When it starts.
    public let startsAt: Date
    /// When it ends.
    public let endsAt: Date
    /// Minutes before the start from which the person counts as on shift.
    public let graceBeforeMinutes: Int
    /// Minutes after the end until which the person still counts as on shift.
    public let graceAfterMinutes: Int
    /// When it was recorded.
    public let createdAt: Date

    /// Describes a shift.
    public init(
        id: ShiftID, personID: PersonID, facilityID: FacilityID, unit: String?, startsAt: Date, endsAt: Date,
        graceBeforeMinutes: Int, graceAfterMinutes: Int, createdAt: Date
    ) {
        self.id = id
        self.personID = personID
        self.facilityID = facilityID
        self.unit = unit
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.graceBeforeMinutes = graceBeforeMinutes
        self.graceAfterMinutes = graceAfterMinutes
        self.createdAt = createdAt
    }

    /// When the person starts counting as on shift: the start less the grace.
    public var opensAt: Date { startsAt.addingTimeInterval(-TimeInterval(graceBeforeMinutes * 60)) }
    /// When the person stops counting as on shift: the end plus the grace.
    public var closesAt: Date { endsAt.addingTimeInterval(TimeInterval(graceAfterMinutes * 60)) }

    /// Whether the person counts as on shift at `time`, grace included.
    public func covers(_ time: Date) -> Bool { opensAt <= time && time < closesAt }

    /// The grace before and after a shift that sets none, in minutes.
    public static let defaultGraceMinutes = 15
    /// The longest shift: 24 hours.
    public static let maximumDuration: TimeInterval = 86_400
}

/// The identifier of a ``Shift``.
public typealias ShiftID = Identifier<Shift>

/// A shift as an administrator records it.
public struct ShiftDraft: Codable, Sendable, Equatable {
    /// Who works it.
    public var personID: PersonID
    /// Where.
    public var facilityID: FacilityID
    /// The unit or ward.
    public var unit: String?
    /// When it starts.
    public var startsAt: Date
    /// When it ends.
    public var endsAt: Date
    /// Minutes of grace before the start; ``Shift/defaultGraceMinutes`` when left out.
    public var graceBeforeMinutes: Int?
    /// Minutes of grace after the end; ``Shift/defaultGraceMinutes`` when left out.
    public var graceAfterMinutes: Int?

    /// Describes a draft.
    public init(
        personID: PersonID, facilityID: FacilityID, unit: String? = nil, startsAt: Date, endsAt: Date,
        graceBeforeMinutes: Int? = nil, graceAfterMinutes: Int? = nil
    ) {
        self.personID = personID
        self.facilityID = facilityID
        self.unit = unit
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.graceBeforeMinutes = graceBeforeMinutes
        self.graceAfterMinutes = graceAfterMinutes
    }

    /// Checks the draft and makes the shift.
    /// - Parameter now: When it is recorded.
    /// - Throws: ``ValidationError`` naming the field at fault: a shift ends after it starts, lasts
    ///   at most 24 hours, and its grace is 0 to 240 minutes.
    public func shift(at now: Date) throws -> Shift {
        let unit = try unit.map { try Validate.text($0, field: "unit", maximumLength: 100) }
        let (start, end) = try TimeWindow.validated(
            startsAt, endsAt, maximumDuration: Shift.maximumDuration, longest: "24 hours")
        func grace(_ minutes: Int?, _ field: String) throws -> Int {
            let minutes = minutes ?? Shift.defaultGraceMinutes
            guard (0...240).contains(minutes) else { throw ValidationError(field: field, message: "must be between 0 and 240") }
            return minutes
        }
        return Shift(
            id: .generate(at: now), personID: personID, facilityID: facilityID, unit: unit, startsAt: start, endsAt: end,
            graceBeforeMinutes: try grace(graceBeforeMinutes, "graceBeforeMinutes"),
            graceAfterMinutes: try grace(graceAfterMinutes, "graceAfterMinutes"), createdAt: now)
    }
}

/// The checks a time window (a shift, a visit) passes.
enum TimeWindow {
    /// Checks that a window ends after it starts and is not too long.
    /// - Returns: Both times, rounded to milliseconds as they are stored.
    static func validated(_ start: Date, _ end: Date, maximumDuration: TimeInterval, longest: String) throws
        -> (Date, Date)
    {
        let start = start.roundedToMilliseconds
        let end = end.roundedToMilliseconds
        guard end > start else { throw ValidationError(field: "endsAt", message: "must be after startsAt") }
        guard end.timeIntervalSince(start) <= maximumDuration else {
            throw ValidationError(field: "endsAt", message: "must be at most \(longest) after startsAt")
        }
        return (start, end)
    }
}

extension ShiftInput {
    /// The shift input of a decision.
    /// - Parameters:
    ///   - required: Whether the device's policy requires being on shift.
    ///   - shifts: The person's shifts (any; those that do not cover `now` are passed over).
    ///   - now: The time.
    public init(required: Bool, shifts: [Shift], at now: Date) {
        guard required else {
            self = .notRequired
            return
        }
        self = shifts.contains { $0.covers(now) } ? .onShift : .offShift
    }
}
