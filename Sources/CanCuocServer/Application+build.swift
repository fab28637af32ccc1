import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Everything a running server needs, built by the CLI or by tests.
public struct AppDependencies: Sendable {
    public let store: any RegisterStore
    public let catalog: AdminUnitCatalog
    public let clock: @Sendable () -> Date
    public let metrics: AppMetrics
    /// The data-encryption keys (TOTP secrets, the audit checkpoint key, later biometrics and card keys).
    public let keys: KeyRing
    public let access: AccessControl.Policy
    /// False only for the benchmark's comparison run.
    public let auditEnabled: Bool
    /// Background work that runs with the server and stops after it (the PostgreSQL pool).
    public let services: [any Service]
    /// The CSCA certificates the card pages check chips against (`serve --pki`).
    public let trustedCSCAs: TrustedCSCAs
    /// Batch personalisation on this server (nil: batches are run with `cancuoc batches run`).
    public let production: BatchProduction?

    public init(store: any RegisterStore, keys: KeyRing, catalog: AdminUnitCatalog = .shared, clock: @escaping @Sendable () -> Date = Date.init,
                metrics: AppMetrics = AppMetrics(), access: AccessControl.Policy = .init(), auditEnabled: Bool = true, services: [any Service] = [],
                trustedCSCAs: TrustedCSCAs = TrustedCSCAs([]), production: BatchProduction? = nil) {
        self.trustedCSCAs = trustedCSCAs
        self.production = production
        self.store = store
        self.keys = keys
        self.catalog = catalog
        self.clock = clock
        self.metrics = metrics
        self.access = access
        self.auditEnabled = auditEnabled
        self.services = services
    }
}

/// Builds the application: routes, middleware, console. Kept apart from `main` so tests run the real app.
public func buildApplication(_ config: AppConfig, dependencies: AppDependencies) async throws -> some ApplicationProtocol {
    let config = try config.validated(catalog: dependencies.catalog)
    var logger = Logger(label: "cancuoc")
    logger.logLevel = config.logLevel
    let router = try await buildRouter(config, dependencies: dependencies)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "CanCuoc"),
        services: dependencies.services,
        logger: logger)
    // The key file must open the register's sealed secrets before the first request is taken: a server
    // given another installation's keys would answer every audited request with an error. A PostgreSQL
    // pool runs only with the server's services, so this is the first moment it can be asked.
    app.beforeServerStarts { _ = try await AuditSigner.load(from: dependencies.store.audit, keys: dependencies.keys) }
    return app
}

public func buildRouter(_ config: AppConfig, dependencies: AppDependencies) async throws -> Router<AppRequestContext> {
    let service = RegisterService(store: dependencies.store, catalog: dependencies.catalog, clock: dependencies.clock)
    let pages = try await ConsolePages(config: config, dependencies: dependencies)
    let d = dependencies
    let log = d.auditEnabled ? AuditLog(store: d.store.audit, keys: d.keys, clock: d.clock) : nil
    let audit = AuditRecorder(log: log, clock: d.clock)
    let tokens = TokenCache()
    let access = AccessControl(accounts: d.store.accounts, catalog: d.catalog, keys: d.keys, clock: d.clock, policy: d.access, tokens: tokens)
    let accounts = AccountService(accounts: d.store.accounts, catalog: d.catalog, keys: d.keys, clock: d.clock, bcryptCost: d.access.bcryptCost, tokens: tokens)
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    let store = dependencies.store
    router.add(middleware: ErrorMiddleware(pages: pages, storeError: { store.storeError(for: $0) }))
    router.add(middleware: AuthMiddleware(access: access))
    SystemController(store: d.store, metrics: d.metrics, catalog: d.catalog).add(to: router)
    UnitsController(catalog: d.catalog, clock: d.clock).add(to: router)
    ResidentsController(service: service, catalog: d.catalog, metrics: d.metrics, audit: audit).add(to: router)
    let applications = ApplicationService(store: d.store, catalog: d.catalog, clock: d.clock)
    ApplicationsController(service: applications, audit: audit).add(to: router)
    let statusLimiter = AddressRateLimiter(perMinute: config.statusLookupsPerMinute)
    PublicStatusController(store: d.store, catalog: d.catalog, clock: d.clock, limiter: statusLimiter, audit: audit, pages: pages).add(to: router)
    let biometrics = BiometricService(store: d.store, keys: d.keys, clock: d.clock)
    let capture = BiometricsController(applications: applications, biometrics: biometrics, audit: audit)
    capture.add(to: router)
    ApplicationConsoleController(service: applications, capture: capture, pages: pages, audit: audit).add(to: router)
    IntakeConsoleController(service: applications, pages: pages, audit: audit).add(to: router)
    SessionsController(service: MobileSessionService(store: d.store, catalog: d.catalog, clock: d.clock), pages: pages, audit: audit).add(to: router)
    BatchesController(service: applications, keys: d.keys, production: d.production, pages: pages, audit: audit).add(to: router)
    ResidentCorrectionController(service: service, pages: pages, audit: audit).add(to: router)
    OldIDConfirmationController(store: d.store, catalog: d.catalog, pages: pages, audit: audit).add(to: router)
    CardPreviewController(store: d.store, catalog: d.catalog, clock: d.clock, audit: audit).add(to: router)
    ConsoleController(service: service, pages: pages, catalog: d.catalog, clock: d.clock, audit: audit).add(to: router)
    CardPageController(store: d.store, keys: d.keys, pages: pages, trusted: d.trustedCSCAs, audit: audit).add(to: router)
    AuthController(access: access, accounts: accounts, pages: pages, audit: audit, secureCookies: config.secureCookies).add(to: router)
    AdminController(accounts: accounts, store: d.store, catalog: d.catalog, pages: pages, audit: audit).add(to: router)
    return router
}
