import Foundation

/// The four areas that healthcare app guidelines (Xcertia) ask an app to be assessed in before it
/// may handle PHI (`docs/byod.md`, "App vetting").
public enum AssessmentArea: String, Codable, CaseIterable, Sendable {
    /// The app works as it should: installs, runs, fails safely, is supported.
    case operability
    /// It collects and shares only what it must, and says so.
    case privacy
    /// It protects what it holds and sends: storage, transport, authentication.
    case security
    /// Its clinical content is accurate, current and sourced.
    case contentAccuracy = "content_accuracy"
}

/// The verdict of one assessment.
public enum AssessmentResult: String, Codable, CaseIterable, Sendable {
    /// The app meets the area's criteria.
    case pass
    /// It does not.
    case fail
}

/// One review of a catalog app in one ``AssessmentArea``: who reviewed it, on which day, what
/// they found, and whether it passed.
public struct AppAssessment: Codable, Sendable, Equatable {
    /// The area reviewed.
    public var area: AssessmentArea
    /// Who reviewed it, such as "J. Rivera, Information Security".
    public var reviewer: String
    /// The day of the review, `YYYY-MM-DD`.
    public var date: String
    /// What the reviewer found.
    public var notes: String
    /// The verdict.
    public var result: AssessmentResult
    /// When the server recorded it.
    public var recordedAt: Date

    /// Describes an assessment.
    /// - Parameters:
    ///   - area: The area reviewed.
    ///   - reviewer: Who reviewed it.
    ///   - date: The day of the review, `YYYY-MM-DD`.
    ///   - notes: What the reviewer found.
    ///   - result: The verdict.
    ///   - recordedAt: When it was recorded.
    public init(
        area: AssessmentArea, reviewer: String, date: String, notes: String, result: AssessmentResult,
        recordedAt: Date
    ) {
        self.area = area
        self.reviewer = reviewer
        self.date = date
        self.notes = notes
        self.result = result
        self.recordedAt = recordedAt
    }

    /// The longest reviewer name, in characters.
    public static let maximumReviewerLength = 200

    /// The longest notes, in characters.
    public static let maximumNotesLength = 2_000

    /// Checks the assessment and returns it with its texts trimmed.
    /// - Parameter now: The time of recording: the date may not be later than the calendar day
    ///   it is anywhere on Earth at that instant (UTC+14).
    /// - Returns: The assessment, trimmed.
    /// - Throws: ``ValidationError`` naming `reviewer`, `date` or `notes`.
    public func validated(at now: Date) throws -> AppAssessment {
        var checked = self
        checked.reviewer = try Validate.text(reviewer, field: "reviewer", maximumLength: Self.maximumReviewerLength)
        checked.notes = try Validate.text(notes, field: "notes", maximumLength: Self.maximumNotesLength)
        guard Posture.isCalendarDate(date) else {
            throw ValidationError(field: "date", message: "must be a date such as 2026-11-01")
        }
        // The latest day anywhere at `now` is the UTC day 14 hours later (UTC+14).
        guard let age = CivilDate.daysBetween(date, and: now.addingTimeInterval(14 * 3_600)), age >= 0 else {
            throw ValidationError(field: "date", message: "must not be in the future")
        }
        return checked
    }
}

/// What keeps a catalog app from being approved for PHI: the areas never assessed, and those
/// whose latest assessment failed, each in ``AssessmentArea`` order.
public struct AssessmentGaps: Sendable, Equatable, CustomStringConvertible {
    /// Areas with no assessment.
    public var missing: [AssessmentArea]
    /// Areas whose latest assessment failed.
    public var failed: [AssessmentArea]

    /// Describes the gaps.
    /// - Parameters:
    ///   - missing: Areas with no assessment.
    ///   - failed: Areas whose latest assessment failed.
    public init(missing: [AssessmentArea] = [], failed: [AssessmentArea] = []) {
        self.missing = missing
        self.failed = failed
    }

    /// Whether every area's latest assessment passed.
    public var isEmpty: Bool { missing.isEmpty && failed.isEmpty }

    /// The gaps for a person to read, such as `not assessed: privacy; failed: security`.
    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("not assessed: " + missing.map(\.rawValue).joined(separator: ", ")) }
        if !failed.isEmpty { parts.append("failed: " + failed.map(\.rawValue).joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
