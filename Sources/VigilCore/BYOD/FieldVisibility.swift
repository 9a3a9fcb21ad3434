import Foundation

/// Who looks at a device's record, for the collection matrix's hidden fields
/// (``CollectionLevel/hidden``).
public struct DeviceViewer: Sendable, Equatable {
    /// The person looking.
    public var personID: PersonID
    /// The roles they act with.
    public var roles: Set<Role>

    /// Describes a viewer.
    public init(personID: PersonID, roles: Set<Role>) {
        self.personID = personID
        self.roles = roles
    }
}

extension CollectionLevel {
    /// The roles that see a field at this level, among those that read device records
    /// (``Permission/readDevices``): all of them for ``collect``, security officers only for
    /// ``hidden``, none for ``never``. The device's own person sees the first two as well.
    public var seenBy: Set<Role> {
        switch self {
        case .collect: Permission.readDevices.grantedRoles
        case .hidden: Permission.readDevices.grantedRoles.intersection([.securityOfficer])
        case .never: []
        }
    }
}

extension CollectionMatrix {
    /// The fields devices of `ownership` never give.
    public func neverCollected(for ownership: Ownership) -> Set<CollectedField> {
        Set(CollectedField.allCases.filter { !collects($0, for: ownership) })
    }

    /// Whether `viewer` may see `field` of `device`: never for a field that is not collected;
    /// otherwise the device's own person, and the roles of the field's level.
    public func canSee(_ field: CollectedField, of device: Device, viewer: DeviceViewer) -> Bool {
        let level = level(of: field, for: device.ownership)
        guard level != .never else { return false }
        return viewer.personID == device.personID || !level.seenBy.isDisjoint(with: viewer.roles)
    }

    /// `device` as `viewer` may see it.
    /// - Returns: The device without the values of the fields `viewer` may not see, and the
    ///   collected-but-hidden fields among them, in ``CollectedField`` order, for the record to
    ///   say what it leaves out. Fields that are never collected are removed too (a value kept
    ///   under an earlier, looser matrix is not shown) but not listed: they are not hidden, they
    ///   do not exist.
    public func visible(_ device: Device, to viewer: DeviceViewer) -> (device: Device, hiddenFields: [CollectedField]) {
        let unseen = CollectedField.allCases.filter { !canSee($0, of: device, viewer: viewer) }
        return (device.removing(Set(unseen)), unseen.filter { level(of: $0, for: device.ownership) == .hidden })
    }

    /// A posture `device` reported, as `viewer` may see it: like ``visible(_:to:)``, with the
    /// hidden fields a posture holds (``CollectedField/isPostureFact``).
    public func visible(
        _ posture: Posture, of device: Device, to viewer: DeviceViewer
    ) -> (posture: Posture, hiddenFields: [CollectedField]) {
        let unseen = CollectedField.allCases.filter { $0.isPostureFact && !canSee($0, of: device, viewer: viewer) }
        return (posture.removing(Set(unseen)), unseen.filter { level(of: $0, for: device.ownership) == .hidden })
    }
}

extension CollectedField {
    /// Whether a posture reports the field at check-in (the precise location, the personal
    /// apps), rather than the device at enrollment.
    public var isPostureFact: Bool { self == .preciseLocation || self == .personalApps }
}

extension Device {
    /// The device without the values of `fields`, its posture's included.
    public func removing(_ fields: Set<CollectedField>) -> Device {
        var device = self
        if fields.contains(.serialNumber) { device.hardwareID = nil }
        if fields.contains(.deviceName) { device.name = nil }
        if fields.contains(.phoneNumber) { device.phoneNumber = nil }
        if fields.contains(.hardwareIdentifiers) { device.hardwareIdentifiers = [] }
        device.posture = posture?.removing(fields)
        return device
    }
}

extension Posture {
    /// The posture without the values of `fields` it holds (the precise location, the personal apps).
    public func removing(_ fields: Set<CollectedField>) -> Posture {
        var posture = self
        if fields.contains(.preciseLocation) { posture.location = nil }
        if fields.contains(.personalApps) { posture.personalApps = nil }
        return posture
    }
}
