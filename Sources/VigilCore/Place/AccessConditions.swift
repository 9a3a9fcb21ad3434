import Foundation

/// Where and when a policy allows PHI (`docs/geofencing.md`): inside a facility, on shift, and how
/// the device's place is told from its location fixes. Every field is optional: `nil` leaves it to
/// other policies, and then to the default.
public struct AccessConditions: Codable, Sendable, Equatable {
    /// Whether PHI apps are blocked while the person is outside every facility fence (or an
    /// approved home visit).
    public var requireInsideFacility: Bool?
    /// Whether PHI apps are blocked while the person is not on shift (grace included).
    public var requireOnShift: Bool?
    /// How long a device keeps reporting outside before it is outside, in seconds (default 60).
    public var outsideAfterSeconds: Int?
    /// How many consecutive outside fixes make a device outside before that time; `nil` for the
    /// time alone.
    public var outsideAfterFixes: Int?
    /// How far clear of every fence, beyond its accuracy, a fix must be to count as outside, in
    /// meters (default 25).
    public var outsideMarginMeters: Int?
    /// How long without a fix before the place is stale, in minutes (default 15).
    public var staleAfterMinutes: Int?
    /// Whether a stale place blocks PHI (default `true`).
    public var staleBlocksPHI: Bool?
    /// How long a device lies still and untouched while its person is on shift before its agent
    /// reports it left behind, in minutes (default 15; `docs/commands.md`, "Left behind").
    public var leftBehindAfterMinutes: Int?
    /// What the server does with a device reported left behind (default `lock`).
    public var leftBehindResponse: LeftBehindResponse?

    /// Describes conditions; none by default.
    public init(
        requireInsideFacility: Bool? = nil, requireOnShift: Bool? = nil, outsideAfterSeconds: Int? = nil,
        outsideAfterFixes: Int? = nil, outsideMarginMeters: Int? = nil, staleAfterMinutes: Int? = nil,
        staleBlocksPHI: Bool? = nil, leftBehindAfterMinutes: Int? = nil, leftBehindResponse: LeftBehindResponse? = nil
    ) {
        self.requireInsideFacility = requireInsideFacility
        self.requireOnShift = requireOnShift
        self.outsideAfterSeconds = outsideAfterSeconds
        self.outsideAfterFixes = outsideAfterFixes
        self.outsideMarginMeters = outsideMarginMeters
        self.staleAfterMinutes = staleAfterMinutes
        self.staleBlocksPHI = staleBlocksPHI
        self.leftBehindAfterMinutes = leftBehindAfterMinutes
        self.leftBehindResponse = leftBehindResponse
    }

    /// Whether no condition is set.
    public var isEmpty: Bool { self == AccessConditions() }

    func validated() throws -> AccessConditions {
        func range(_ value: Int?, _ field: String, _ bounds: ClosedRange<Int>) throws {
            if let value, !bounds.contains(value) {
                throw ValidationError(
                    field: "conditions.\(field)", message: "must be between \(bounds.lowerBound) and \(bounds.upperBound)")
            }
        }
        try range(outsideAfterSeconds, "outsideAfterSeconds", 0...3_600)
        try range(outsideAfterFixes, "outsideAfterFixes", 1...100)
        try range(outsideMarginMeters, "outsideMarginMeters", 0...1_000)
        try range(staleAfterMinutes, "staleAfterMinutes", 1...1_440)
        try range(leftBehindAfterMinutes, "leftBehindAfterMinutes", 1...480)
        return self
    }
}

/// The conditions in force on one device, every default filled in.
public struct EffectiveConditions: Sendable, Equatable, Hashable {
    /// Whether the person must be inside a facility (or at an approved visit).
    public var requireInsideFacility = false
    /// Whether the person must be on shift.
    public var requireOnShift = false
    /// Seconds of outside fixes before the device is outside.
    public var outsideAfterSeconds = 60
    /// Consecutive outside fixes that make it outside sooner, if set.
    public var outsideAfterFixes: Int?
    /// The margin beyond a fix's accuracy, in meters.
    public var outsideMarginMeters = 25
    /// Minutes without a fix before the place is stale.
    public var staleAfterMinutes = 15
    /// Whether a stale place blocks PHI.
    public var staleBlocksPHI = true
    /// Minutes still and untouched on shift before a device is left behind.
    public var leftBehindAfterMinutes = 15
    /// What is done with a device left behind.
    public var leftBehindResponse = LeftBehindResponse.lock

    /// The defaults: nothing required.
    public init() {}

    /// How long without a fix before the place is stale.
    public var staleAfter: TimeInterval { TimeInterval(staleAfterMinutes * 60) }

    /// How long outside fixes must last before the device is outside.
    public var outsideAfter: TimeInterval { TimeInterval(outsideAfterSeconds) }

    /// Takes every field `conditions` sets and this does not have from a more precedent policy yet.
    /// - Parameters:
    ///   - conditions: A matching policy's conditions, in precedence order.
    ///   - taken: The fields already set by more precedent policies; updated.
    mutating func take(_ conditions: AccessConditions, taken: inout Set<PartialKeyPath<AccessConditions>>) {
        func take<Value>(_ path: KeyPath<AccessConditions, Value?>, into target: WritableKeyPath<Self, Value>) {
            guard !taken.contains(path), let value = conditions[keyPath: path] else { return }
            self[keyPath: target] = value
            taken.insert(path)
        }
        func takeOptional<Value>(_ path: KeyPath<AccessConditions, Value?>, into target: WritableKeyPath<Self, Value?>) {
            guard !taken.contains(path), let value = conditions[keyPath: path] else { return }
            self[keyPath: target] = value
            taken.insert(path)
        }
        take(\.requireInsideFacility, into: \.requireInsideFacility)
        take(\.requireOnShift, into: \.requireOnShift)
        take(\.outsideAfterSeconds, into: \.outsideAfterSeconds)
        takeOptional(\.outsideAfterFixes, into: \.outsideAfterFixes)
        take(\.outsideMarginMeters, into: \.outsideMarginMeters)
        take(\.staleAfterMinutes, into: \.staleAfterMinutes)
        take(\.staleBlocksPHI, into: \.staleBlocksPHI)
        take(\.leftBehindAfterMinutes, into: \.leftBehindAfterMinutes)
        take(\.leftBehindResponse, into: \.leftBehindResponse)
    }
}

/// What the server does with a device its agent reports left behind while its person is on shift.
public enum LeftBehindResponse: String, Codable, CaseIterable, Sendable {
    /// Lock it (a `lock` command, with a message on the lock screen).
    case lock
    /// Record it for the security team and tell the person's agent, without locking.
    case notify
}
