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
    /// Background work that runs with the server and stops after it (the PostgreSQL pool).
    public let services: [any Service]

    public init(store: any RegisterStore, catalog: AdminUnitCatalog = .shared, clock: @escaping @Sendable () -> Date = Date.init,
                metrics: AppMetrics = AppMetrics(), services: [any Service] = []) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.metrics = metrics
        self.services = services
    }
}

/// Builds the application: routes, middleware, console. Kept apart from `main` so tests run the real app.
public func buildApplication(_ config: AppConfig, dependencies: AppDependencies) async throws -> some ApplicationProtocol {
    let config = try config.validated(catalog: dependencies.catalog)
    var logger = Logger(label: "cancuoc")
    logger.logLevel = config.logLevel
    let router = try await buildRouter(config, dependencies: dependencies)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "CanCuoc"),
        services: dependencies.services,
        logger: logger)
}

public func buildRouter(_ config: AppConfig, dependencies: AppDependencies) async throws -> Router<AppRequestContext> {
    let service = RegisterService(store: dependencies.store, catalog: dependencies.catalog, clock: dependencies.clock)
    let pages = try await ConsolePages(config: config, dependencies: dependencies)
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware(pages: pages))
    SystemController(store: dependencies.store, metrics: dependencies.metrics, catalog: dependencies.catalog).add(to: router)
    UnitsController(catalog: dependencies.catalog, clock: dependencies.clock).add(to: router)
    ResidentsController(service: service, catalog: dependencies.catalog, metrics: dependencies.metrics).add(to: router)
    ConsoleController(service: service, pages: pages, catalog: dependencies.catalog, clock: dependencies.clock).add(to: router)
    return router
}
