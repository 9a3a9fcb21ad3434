import Foundation

/// Everything a device's risk score reads (`docs/byod.md`, "Risk and liability").
public struct RiskInputs: Sendable, Equatable {
    /// Who owns the hardware.
    public var ownership: Ownership
    /// What kind of hardware it is.
    public var deviceClass: DeviceClass
    /// The latest posture; `nil` before the first check-in.
    public var posture: Posture?
    /// The recorded compliance state.
    public var compliance: ComplianceState
    /// How many requirements of its policy the device fails.
    public var failingRequirements: Int
    /// How many distinct installed managed apps handle PHI.
    public var phiApps: Int
    /// The last check-in; `nil` when it never checked in.
    public var lastSeenAt: Date?
    /// When it enrolled.
    public var enrolledAt: Date
    /// In service, lost, stolen or retired.
    public var custody: DeviceCustody
    /// How the device's person is bound to the organization.
    public var affiliation: Affiliation

    /// Describes the inputs of one score.
    public init(
        ownership: Ownership, deviceClass: DeviceClass, posture: Posture?, compliance: ComplianceState,
        failingRequirements: Int = 0, phiApps: Int = 0, lastSeenAt: Date?, enrolledAt: Date,
        custody: DeviceCustody = .inService, affiliation: Affiliation = .employee
    ) {
        self.ownership = ownership
        self.deviceClass = deviceClass
        self.posture = posture
        self.compliance = compliance
        self.failingRequirements = failingRequirements
        self.phiApps = phiApps
        self.lastSeenAt = lastSeenAt
        self.enrolledAt = enrolledAt
        self.custody = custody
        self.affiliation = affiliation
    }

    /// The inputs of a device read for evaluation.
    /// - Parameters:
    ///   - subject: The device, its person's affiliation and its recorded evaluation.
    ///   - phiAppIDs: The identifiers of the catalog's apps that handle PHI; the device's PHI
    ///     apps are its posture's managed apps among them.
    public init(subject: EvaluationSubject, phiAppIDs: Set<String>) {
        let device = subject.device
        let installed = Set(device.posture?.managedApps.map(\.id) ?? [])
        self.init(
            ownership: device.ownership, deviceClass: device.deviceClass, posture: device.posture,
            compliance: subject.recorded?.compliance.state ?? device.compliance,
            failingRequirements: subject.recorded?.failures.count ?? 0,
            phiApps: installed.intersection(phiAppIDs).count, lastSeenAt: device.lastSeenAt,
            enrolledAt: device.enrolledAt, custody: device.custody, affiliation: subject.affiliation)
    }
}
