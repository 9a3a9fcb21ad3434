import Foundation

/// What one fix says about a device's place, before hysteresis.
public enum FixPlace: Sendable, Equatable {
    /// Its accuracy circle lies within a facility fence.
    case inside(facility: FacilityID, fence: FenceID)
    /// Its accuracy circle lies within the place of a home visit in progress (and no facility
    /// fence holds it).
    case visit(VisitID, until: Date)
    /// It is clear of every fence and visit place by more than the margin.
    case outside
    /// Too inaccurate to tell.
    case unknown
}

/// A fix judged against the fences: its time and what it says.
public struct ClassifiedFix: Sendable, Equatable {
    /// When the device took it.
    public var recordedAt: Date
    /// What it says.
    public var place: FixPlace

    /// Describes a judged fix.
    public init(recordedAt: Date, place: FixPlace) {
        self.recordedAt = recordedAt
        self.place = place
    }
}

/// The outcome of a report: the device's new place and what changed.
public struct PlaceUpdate: Sendable, Equatable {
    /// The place after the report; `nil` only when the device had none and every fix was ignored.
    public var place: DevicePlace?
    /// The changes of settled state, oldest first.
    public var transitions: [PlaceTransition]
    /// Whether each fix of the report (in the report's order) was taken into account: older than
    /// the latest one taken, or from the future, it is ignored.
    public var accepted: [Bool]
}

/// Turns a device's fixes into its settled place (`docs/geofencing.md`, "Hysteresis"): a device is
/// inside at its first inside fix, and outside only once its outside fixes have lasted the
/// policy's time (or numbered its count); an inaccurate fix changes nothing. A pure function.
public enum PlaceTracker {
    /// How far ahead of the server's clock a fix may be and still count, for clock skew.
    public static let futureTolerance: TimeInterval = 30

    /// Applies a report's fixes to a device's place.
    /// - Parameters:
    ///   - fixes: The report's fixes, judged, in any order.
    ///   - current: The device's place before; `nil` before its first fix.
    ///   - deviceID: The device.
    ///   - conditions: Its policy's conditions (the hysteresis).
    ///   - now: The server's time.
    /// - Returns: The new place, its transitions and which fixes counted.
    public static func apply(
        _ fixes: [ClassifiedFix], to current: DevicePlace?, deviceID: DeviceID, conditions: EffectiveConditions,
        at now: Date
    ) -> PlaceUpdate {
        var place = current
        var transitions: [PlaceTransition] = []
        var accepted = [Bool](repeating: false, count: fixes.count)
        func record(from before: DevicePlace?, to after: DevicePlace) {
            guard before?.state != after.state || before?.facilityID != after.facilityID
                || before?.visitID != after.visitID
            else { return }
            transitions.append(
                PlaceTransition(
                    deviceID: deviceID, from: before?.state, to: after.state, facilityID: after.facilityID,
                    visitID: after.visitID, at: after.changedAt))
        }
        let order = fixes.indices.sorted { fixes[$0].recordedAt < fixes[$1].recordedAt }
        for index in order {
            let fix = fixes[index]
            let time = fix.recordedAt
            guard time <= now.addingTimeInterval(futureTolerance) else { continue }
            if let last = place?.lastFixAt, time <= last { continue }
            accepted[index] = true
            var next = place?.settled(at: time) ?? DevicePlace(deviceID: deviceID, state: .unknown, changedAt: time, lastFixAt: time)
            if let place, next != place { record(from: place, to: next) }
            let before = place.map { _ in next }
            apply(fix.place, at: time, to: &next, conditions: conditions)
            next.lastFixAt = time
            record(from: before, to: next)
            place = next
        }
        if let settledNow = place?.settled(at: now), let before = place, settledNow != before {
            record(from: before, to: settledNow)
            place = settledNow
        }
        return PlaceUpdate(place: place, transitions: transitions, accepted: accepted)
    }

    private static func apply(_ fix: FixPlace, at time: Date, to place: inout DevicePlace, conditions: EffectiveConditions) {
        switch fix {
        case .inside(let facility, let fence):
            if place.state != .inside || place.facilityID != facility { place.changedAt = time }
            place.turn(.inside, at: time)
            place.facilityID = facility
            place.fenceID = fence
        case .visit(let visit, let until):
            if place.state != .visit || place.visitID != visit { place.changedAt = time }
            place.turn(.visit, at: time)
            place.visitID = visit
            place.visitUntil = until
        case .outside:
            guard place.state != .outside else { return }
            if place.outsideSince == nil {
                place.outsideSince = time
                place.outsideAt = time.addingTimeInterval(conditions.outsideAfter)
            }
            place.outsideFixes += 1
            let enoughFixes = conditions.outsideAfterFixes.map { place.outsideFixes >= $0 } ?? false
            if enoughFixes || place.outsideAt.map({ time >= $0 }) == true { place.turn(.outside, at: time) }
        case .unknown:
            break
        }
    }
}
