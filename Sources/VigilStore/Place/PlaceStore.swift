import Foundation
import VigilCore

/// Facility fences (`docs/geofencing.md`, "Fences").
public protocol FenceStore: Sendable {
    /// Records a new fence.
    /// - Throws: ``StoreError/notFound(_:)`` when its facility does not exist,
    ///   ``StoreError/conflict(_:)`` when the organization has ``Fence/maximumCount`` fences already.
    func createFence(_ fence: Fence, audit: AuditEventDraft) async throws

    /// Changes a fence, bumping its version.
    /// - Parameters:
    ///   - id: The fence.
    ///   - version: The version the change was made against.
    ///   - audit: The audit event recorded with it.
    ///   - change: The change.
    /// - Returns: The fence as stored.
    /// - Throws: ``StoreError/notFound(_:)``, or ``StoreError/conflict(_:)`` when it changed meanwhile.
    func updateFence(
        id: FenceID, version: Int, audit: AuditEventDraft, _ change: @escaping @Sendable (inout Fence) throws -> Void
    ) async throws -> Fence

    /// Removes a fence.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such fence.
    func deleteFence(id: FenceID, audit: AuditEventDraft) async throws

    /// The fence with this identifier.
    func fence(id: FenceID) async throws -> Fence?

    /// Every fence, or every fence of one facility, oldest first.
    func fences(facilityID: FacilityID?) async throws -> [Fence]
}

/// Devices' settled places, their transitions and the fixes kept for hospital-owned devices.
public protocol DevicePlaceStore: Sendable {
    /// The place of a device, if it has reported a fix.
    func devicePlace(deviceID: DeviceID) async throws -> DevicePlace?

    /// Records reports' outcomes, each in one piece: the new place if its revision is still the
    /// one it replaces, its transitions, and the fixes to keep.
    /// - Returns: For each report, whether it was written (`false` when another report wrote first).
    func recordPlaceReports(_ reports: [PlaceReport]) async throws -> [Bool]

    /// The transitions of a device's place, newest first.
    func placeTransitions(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<PlaceTransition>

    /// The places whose next change without a fix (``DevicePlace/nextChange(staleAfter:)``) is due by `now`.
    func placesChanging(by now: Date, limit: Int) async throws -> [DevicePlace]

    /// Clears the next change of places the sweep took care of, if they did not change meanwhile.
    /// - Parameter places: Each place with the next change it has now, `nil` for none.
    func rescheduleChanges(_ places: [(place: DevicePlace, next: Date?)]) async throws

    /// The fixes kept for a device, newest first.
    func locationFixes(deviceID: DeviceID, _ page: PageRequest) async throws -> Page<LocationFix>

    /// Deletes the fixes recorded before `cutoff`.
    /// - Returns: How many were deleted.
    func purgeLocationFixes(recordedBefore cutoff: Date) async throws -> Int
}

/// Shifts and home visits (`docs/geofencing.md`, "Shifts and visits").
public protocol ScheduleStore: Sendable {
    /// Records a shift.
    /// - Throws: ``StoreError/notFound(_:)`` when its person or facility does not exist.
    func createShift(_ shift: Shift, audit: AuditEventDraft) async throws

    /// Removes a shift.
    /// - Returns: The shift removed.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such shift.
    func deleteShift(id: ShiftID, audit: AuditEventDraft) async throws -> Shift

    /// The shift with this identifier.
    func shift(id: ShiftID) async throws -> Shift?

    /// Shifts in start order, of one person or everyone's, that end after `from` and start before `through`.
    func shifts(personID: PersonID?, from: Date?, through: Date?, _ page: PageRequest) async throws -> Page<Shift>

    /// Records a visit.
    /// - Throws: ``StoreError/notFound(_:)`` when its person does not exist.
    func createVisit(_ visit: Visit, audit: AuditEventDraft) async throws

    /// Cancels a visit.
    /// - Returns: The visit as cancelled.
    /// - Throws: ``StoreError/notFound(_:)`` when there is no such visit, ``StoreError/conflict(_:)``
    ///   when it is cancelled already.
    func cancelVisit(id: VisitID, at time: Date, audit: AuditEventDraft) async throws -> Visit

    /// The visit with this identifier.
    func visit(id: VisitID) async throws -> Visit?

    /// Visits in start order, of one person or everyone's.
    func visits(personID: PersonID?, _ page: PageRequest) async throws -> Page<Visit>

    /// The people whose shift opened or closed, or whose visit started, ended or was cancelled,
    /// after `after` and by `through`: their devices are evaluated again then.
    func peopleWithScheduleChanges(after: Date, through: Date) async throws -> [PersonID]
}

/// The outcome of a location report to write.
public struct PlaceReport: Sendable, Equatable {
    /// The device's new place; its ``DevicePlace/revision`` is one more than the one it replaces.
    public var place: DevicePlace
    /// The device's person, kept with the place so that a person's places are found at once.
    public var personID: PersonID
    /// The revision it replaces; `nil` when the device had no place.
    public var replacesRevision: Int64?
    /// When its place changes next without a fix, for the sweep.
    public var nextChange: Date?
    /// The transitions, oldest first.
    public var transitions: [PlaceTransition]
    /// The fixes to keep (a hospital-owned device's, when the collection matrix allows it).
    public var fixesToKeep: [LocationFix]
    /// When the report was received.
    public var receivedAt: Date

    /// Describes a report's outcome.
    public init(
        place: DevicePlace, personID: PersonID, replacesRevision: Int64?, nextChange: Date?,
        transitions: [PlaceTransition], fixesToKeep: [LocationFix], receivedAt: Date
    ) {
        self.place = place
        self.personID = personID
        self.replacesRevision = replacesRevision
        self.nextChange = nextChange
        self.transitions = transitions
        self.fixesToKeep = fixesToKeep
        self.receivedAt = receivedAt
    }
}
