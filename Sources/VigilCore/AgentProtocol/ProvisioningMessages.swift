import Foundation

/// What an approved device is provisioned with (`GET /agent/v1/provisioning`): the policies that
/// govern it, the requirements they add up to, and the managed apps it is to carry.
public struct Provisioning: Codable, Sendable, Equatable {
    /// Every policy whose scope matches the device, in precedence order.
    public var policies: [PolicyReference]
    /// The requirements the device must meet, composed from those policies.
    public var requirements: PolicyRequirements
    /// The catalog's apps for this device: those whose scope matches it, leaving out apps that
    /// handle PHI without being approved for it.
    public var managedApps: [ProvisionedApp]
    /// How long the device may lie still and untouched while its person is on shift before the
    /// agent reports it left behind (`POST /agent/v1/left-behind`), in minutes. The agent also
    /// locks the screen after `requirements.maximumScreenLockSeconds` without interaction
    /// (automatic logoff). Absent from a server older than remote commands.
    public var leftBehindAfterMinutes: Int?

    /// Describes a provisioning.
    public init(
        policies: [PolicyReference], requirements: PolicyRequirements, managedApps: [ProvisionedApp],
        leftBehindAfterMinutes: Int? = nil
    ) {
        self.policies = policies
        self.requirements = requirements
        self.managedApps = managedApps
        self.leftBehindAfterMinutes = leftBehindAfterMinutes
    }

    /// The provisioning of `device` under `effective` with the app `catalog`.
    public init(device: Device, effective: EffectivePolicy, catalog: [CatalogApp]) {
        self.init(
            policies: effective.matchingPolicies, requirements: effective.requirements,
            managedApps: catalog.filter { $0.applies(to: device) && (!$0.handlesPHI || $0.approvedForPHI) }
                .map(ProvisionedApp.init),
            leftBehindAfterMinutes: effective.conditions.leftBehindAfterMinutes)
    }
}

/// A managed app as a device is provisioned with it.
public struct ProvisionedApp: Codable, Sendable, Equatable {
    /// The bundle or package identifier.
    public var id: String
    /// Its name.
    public var name: String
    /// Whether it is installed on every device in scope (otherwise offered).
    public var required: Bool
    /// Whether it handles PHI (and so is approved for it).
    public var handlesPHI: Bool

    /// Describes an app to provision from its catalog entry.
    public init(_ app: CatalogApp) {
        id = app.id
        name = app.name
        required = app.required
        handlesPHI = app.handlesPHI
    }
}
