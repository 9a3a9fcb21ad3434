import Foundation
import Hummingbird
import Logging
import Prometheus
import VigilCore
import VigilStore

/// Builds the Vigil application: the one composition root that `vigil serve` and the tests share.
/// - Parameters:
///   - configuration: Where to listen, how large a body may be, what to do at start-up.
///   - store: The store; the application runs it as a service and migrates it before serving.
///   - registry: Where metrics are kept and rendered from.
///   - logger: The server's logger.
///   - onServerRunning: Called once the server listens, with its port (0 ports resolve here).
/// - Returns: The application, ready to `runService()` or test.
public func buildApplication(
    configuration: ServerConfiguration,
    store: some VigilStore,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let devices = DeviceServices(store: store, publicURL: configuration.effectivePublicURL)
    let ledger = LedgerServices(store: store, dataDirectory: configuration.dataDirectory)
    let compliance = ComplianceServices(
        store: store, configuration: configuration, publicURL: { devices.publicURL }, logger: logger)
    let commands = CommandServices(
        store: store, sessions: devices.sessions, compliance: compliance, configuration: configuration, logger: logger)
    let router = buildRouter(
        configuration: configuration, store: store, registry: registry, devices: devices, ledger: ledger,
        compliance: compliance, commands: commands)
    let maintenance = DeviceMaintenance(
        store: store, sessions: devices.sessions, retentionDays: configuration.postureRetentionDays, logger: logger)
    var application = Application(
        router: router, server: PushChannel(sessions: devices.sessions, commands: commands).serverBuilder,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Vigil"),
        services: [
            store, maintenance,
            LedgerSigning(
                signer: ledger.signer, store: store, every: Int64(configuration.ledgerSignEvery),
                interval: .seconds(configuration.ledgerSignIntervalSeconds), logger: logger),
            ComplianceSchedule(compliance: compliance, interval: .seconds(configuration.complianceIntervalSeconds)),
            RiskSnapshots(assessor: RiskAssessor(store: store), interval: RiskSnapshots.defaultInterval, logger: logger),
            PlaceSweep(
                places: compliance.places, evaluator: compliance.evaluator, store: store,
                interval: .seconds(configuration.placeSweepSeconds), logger: logger),
            CommandSweep(commands: commands, interval: .seconds(configuration.commandSweepSeconds), logger: logger),
            CommandNoticeListener(commands: commands, logger: logger),
        ],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            devices.serverStarted(port: port, configuration: configuration)
            await onServerRunning(port)
        },
        logger: logger)
    application.beforeServerStarts {
        try await StartupTasks(configuration: configuration, store: store, logger: logger).run()
        // A background service may have read the policies, agreements and settings before the
        // start-up tasks (the demo hospital) changed them: read them again before serving.
        try await compliance.policies.reload()
        try await compliance.places.fences.reload()
    }
    return application
}

/// Builds the router: operational routes, the agent protocol, then `/api/v1` behind authentication.
/// - Parameters:
///   - configuration: The server's configuration.
///   - store: The store the routes read and write.
///   - registry: The metrics registry.
///   - devices: The device sessions and check-in writer; new ones when `nil`.
///   - ledger: The ledger's signer and group commit; new ones when `nil`.
///   - compliance: The policies, evaluations and grants; new ones when `nil`.
/// - Returns: The router, its middleware in place.
public func buildRouter(
    configuration: ServerConfiguration, store: any VigilStore, registry: PrometheusCollectorRegistry,
    devices: DeviceServices? = nil, ledger: LedgerServices? = nil, compliance: ComplianceServices? = nil,
    commands: CommandServices? = nil
) -> Router<VigilRequestContext> {
    let devices = devices ?? DeviceServices(store: store, publicURL: configuration.effectivePublicURL)
    let ledger = ledger ?? LedgerServices(store: store, dataDirectory: configuration.dataDirectory)
    let compliance = compliance ?? ComplianceServices(
        store: store, configuration: configuration, publicURL: { devices.publicURL },
        logger: Logger(label: "vigil.compliance"))
    let commands = commands ?? CommandServices(
        store: store, sessions: devices.sessions, compliance: compliance, configuration: configuration,
        logger: Logger(label: "vigil.commands"))
    let router = Router(context: VigilRequestContext.self)
    let catalog = RouteCatalog()
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: HTTPMetricsMiddleware(registry: registry))
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: ProblemMiddleware(routes: catalog))

    OperationsController(store: store, registry: registry).register(on: router)
    AgentController(
        store: store, sessions: devices.sessions, checkIns: devices.checkIns, compliance: compliance, commands: commands,
        configuration: configuration
    ).register(on: router)
    JWKSController(compliance: compliance).register(on: router)
    PrivacyController(store: store, compliance: compliance).register(on: router)

    let api = router.group(RouterPath(APIEndpoint.prefix)).add(middleware: AuthenticationMiddleware(store: store))
    APIEndpoint.register(
        apiEndpoints(
            configuration: configuration, store: store, devices: devices, ledger: ledger, compliance: compliance,
            commands: commands),
        on: api,
        store: store)

    catalog.fill(from: router.routes.map { ($0.method, $0.path.description) })
    return router
}

/// Every `/api/v1` endpoint, with the permission each requires.
func apiEndpoints(
    configuration: ServerConfiguration, store: any VigilStore, devices: DeviceServices, ledger: LedgerServices,
    compliance: ComplianceServices, commands: CommandServices
) -> [APIEndpoint] {
    let limit = configuration.maximumBodySize
    // An array of arrays: a long chain of `+` takes the type checker too long.
    let controllers: [[APIEndpoint]] = [
        MeController().endpoints,
        PeopleController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        FacilitiesController(store: store, bodyLimit: limit).endpoints,
        TokensController(store: store, bodyLimit: limit).endpoints,
        AuditEventsController(store: store).endpoints,
        LedgerController(store: store, ledger: ledger).endpoints,
        InvitationsController(store: store, bodyLimit: limit, devices: devices).endpoints,
        DevicesController(store: store, bodyLimit: limit, sessions: devices.sessions, compliance: compliance).endpoints,
        PoliciesController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        AccessController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        AgreementsController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        BYODSettingsController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        AppCatalogController(store: store, bodyLimit: limit).endpoints,
        RiskController(store: store).endpoints,
        FencesController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        ShiftsController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        VisitsController(store: store, bodyLimit: limit, compliance: compliance).endpoints,
        DevicePlaceController(store: store, compliance: compliance).endpoints,
        CommandsController(store: store, bodyLimit: limit, commands: commands).endpoints,
        LossController(
            store: store, bodyLimit: limit, desk: LossDesk(store: store, commands: commands, evaluator: compliance.evaluator)
        ).endpoints,
    ]
    return controllers.flatMap { $0 }
}
