import ArgumentParser
import CanCuocChip
import CanCuocPostgres
import CanCuocServer
import CanCuocStore
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
    @Flag(help: "Mark the session cookie Secure (a TLS proxy is in front; env CANCUOC_SECURE_COOKIES=1).") var secureCookies = false
    @Flag(help: "Create the demo accounts (one per role) if missing and print them.") var demoAccounts = false
    @Flag(help: "Benchmark only: do not write the audit trail.") var withoutAudit = false
    @Option(help: "The card PKI folder whose CSCA certificates the card pages check chips against (env CANCUOC_PKI; default ./data/pki).") var pki: String?
    @Option(help: "Where batch folders for the card printer are written when this server personalises batches (needs CANCUOC_PKI_PASSPHRASE; env CANCUOC_BATCHES; default ./data/batches).")
    var batches: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let config = AppConfig(
            host: host ?? environment["CANCUOC_HOST"] ?? "127.0.0.1",
            port: try port ?? environment["CANCUOC_PORT"].map { text in
                guard let value = Int(text) else { throw ValidationError("CANCUOC_PORT must be a number") }
                return value
            } ?? 8080,
            provinceCode: province ?? environment["CANCUOC_PROVINCE"] ?? "38",
            secureCookies: secureCookies || environment["CANCUOC_SECURE_COOKIES"] == "1")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let keyFileMissing = try !database.keyFileExists
        let (store, services) = try await database.openForService(connectionsKeptOpen: PostgresRegister.serverConnectionsKeptOpen)
        // A PostgreSQL pool runs under the server's service group once the server does. The demo accounts, and
        // a missing key file's check against what the database holds, need it sooner: then it runs from here.
        let poolRunsEarly = !services.isEmpty && (demoAccounts || keyFileMissing)
        if poolRunsEarly { for service in services { Task { try await service.run() } } }
        let keys = try await database.keyRing(for: store)
        if services.isEmpty {
            // The embedded database is open now: check at once that the key file opens its stored secrets, so
            // that the error comes before the "serving" line. (`buildApplication` checks again before the first
            // request, on either backend: a PostgreSQL pool runs only with the server.)
            _ = try await AuditSigner.load(from: store.audit, keys: keys)
        }
        if demoAccounts {
            try await DemoAccounts(store: store, keys: keys, provinceCode: config.provinceCode).ensureAndPrint()
        }
        let pkiPath = pki ?? environment["CANCUOC_PKI"] ?? "./data/pki"
        let trusted = try TrustedCSCAs(pkiDirectory: URL(fileURLWithPath: pkiPath))
        // With the PKI passphrase in the environment this server can sign cards; the key is opened per batch run.
        var production: BatchProduction?
        if let passphrase = environment["CANCUOC_PKI_PASSPHRASE"], !passphrase.isEmpty, !trusted.isEmpty {
            let folder = URL(fileURLWithPath: batches ?? environment["CANCUOC_BATCHES"] ?? "./data/batches")
            production = BatchProduction(pki: PKIDirectory(url: URL(fileURLWithPath: pkiPath)), passphrase: passphrase, exportFolder: folder)
        }
        let app = try await buildApplication(config, dependencies: AppDependencies(
            store: store, keys: keys, metrics: AppMetrics(registry: registry), auditEnabled: !withoutAudit, services: poolRunsEarly ? [] : services,
            trustedCSCAs: trusted, production: production))
        print("CanCuoc serving http://\(config.host):\(config.port) (database \(database.displayLocation))")
        // Scripts wait for these lines: do not leave them in a buffer when stdout is a file or a pipe
        // (fflush(nil) flushes every stream without touching the global `stdout`).
        fflush(nil)
        try await app.runService()
    }
}
