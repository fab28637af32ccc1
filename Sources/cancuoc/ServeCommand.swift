import ArgumentParser
import CanCuocServer
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the console and the JSON API.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Address to listen on (env CANCUOC_HOST).") var host: String?
    @Option(help: "Port (env CANCUOC_PORT).") var port: Int?
    @Option(help: "The deployment's province code (env CANCUOC_PROVINCE).") var province: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let config = AppConfig(
            host: host ?? environment["CANCUOC_HOST"] ?? "127.0.0.1",
            port: try port ?? environment["CANCUOC_PORT"].map { text in
                guard let value = Int(text) else { throw ValidationError("CANCUOC_PORT must be a number") }
                return value
            } ?? 8080,
            provinceCode: province ?? environment["CANCUOC_PROVINCE"] ?? "38")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let (store, services) = try await database.openForService()
        let app = try await buildApplication(config, dependencies: AppDependencies(store: store, metrics: AppMetrics(registry: registry), services: services))
        print("CanCuoc serving http://\(config.host):\(config.port) (database \(database.displayLocation))")
        try await app.runService()
    }
}
