import CanCuocCore
import CanCuocStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The production backend: PostgreSQL through one PostgresNIO `PostgresClient` pool per process. The
/// pool does its work in `run()`, which the process runs as a service (ServiceLifecycle).
public final class PostgresRegister: RegisterStore, Service {
    public let location: PostgresLocation
    let database: PostgresDatabase
    public let residents: any ResidentStore
    public let households: any HouseholdStore
    public let pins: any PINAllocator
    public let bulk: any BulkLoader
    public let accounts: any AccountStore
    public let audit: any AuditStore
    public let cards: any CardStore
    public let applications: any ApplicationStore
    public let batches: any BatchStore
    public let sessions: any SessionStore
    public var backendName: String { "postgres" }

    /// Connections a server's pool keeps open for good, as many as two cores keep busy (more are opened under
    /// load and closed after a minute idle). Connections above the kept-open count cost the pool an
    /// idle-timeout timer each time they go back to it: PIN look-ups at 4 connections took 0.45-0.48 ms of
    /// server time a request with none kept open (and keep-alive queries), 0.37 ms with four (2,040-2,110
    /// against 2,270-2,340 req/s). A one-shot command keeps none: it would open four to make a few queries.
    public static let serverConnectionsKeptOpen = 4

    /// Connects once directly (so a wrong password, a server that is down or a schema from another
    /// version fails now, with a clear message), brings the schema up to date, then makes the pool, which
    /// keeps `connectionsKeptOpen` connections open.
    public static func open(_ location: PostgresLocation, connectionsKeptOpen: Int = 0,
                            logger: Logger = PostgresRegister.defaultLogger) async throws -> PostgresRegister {
        do {
            let connection = try await PostgresConnection.connect(configuration: location.connectionConfiguration(), id: 0, logger: logger)
            do {
                try await PostgresMigrator.migrate(on: connection, logger: logger)
                // Indexes an interrupted bulk load dropped come back here.
                try await PostgresIndexes.restore(on: connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch let error as PostgresSchemaError {
            throw PostgresOpenError.schema(location.description, error.description)
        } catch {
            throw PostgresOpenError.cannotConnect(location.description, PostgresFailure.describe(error))
        }
        let client = PostgresClient(configuration: location.clientConfiguration(connectionsKeptOpen: connectionsKeptOpen), backgroundLogger: logger)
        return PostgresRegister(location: location, database: PostgresDatabase(client: client, logger: logger))
    }

    /// Queries never log their values: the register's data is personal.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "cancuoc.postgres")
        logger.logLevel = .warning
        return logger
    }

    init(location: PostgresLocation, database: PostgresDatabase) {
        self.location = location
        self.database = database
        residents = PostgresResidentStore(database: database)
        households = PostgresHouseholdStore(database: database)
        pins = PostgresPINAllocator(database: database)
        bulk = PostgresBulkLoader(database: database)
        accounts = PostgresAccountStore(database: database)
        audit = PostgresAuditStore(database: database)
        cards = PostgresCardStore(database: database)
        applications = PostgresApplicationStore(database: database)
        batches = PostgresBatchStore(database: database)
        sessions = PostgresSessionStore(database: database)
    }

    /// The pool's background work; returns when the service group shuts down.
    public func run() async throws {
        await database.client.run()
    }

    public func ping() async throws {
        let logger = database.logger
        _ = try await database.read { connection in try await connection.scalar("SELECT 1", as: Int32.self, logger: logger) }
    }
}

public enum PostgresOpenError: Error, CustomStringConvertible {
    case cannotConnect(String, String)
    case schema(String, String)

    public var description: String {
        switch self {
        case let .cannotConnect(location, reason): "cannot open \(location): \(reason)"
        case let .schema(location, reason): "cannot use \(location): \(reason)"
        }
    }
}
