import Foundation
import PostgresNIO

/// Throwaway register databases on a server (tests, benchmarks): each is a copy of a template that
/// holds the migrated schema, so making one costs a file copy, and no two users share state.
public enum PostgresScratchDatabase {
    public static let templateName = "cancuoc_template"

    /// A new database with the current schema on the server of `admin` (a superuser URL).
    public static func create(admin: PostgresLocation) async throws -> PostgresLocation {
        try await Template.shared.ensure(admin)
        let name = "scratch_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withAdmin(admin) { connection, logger in
            // A connection to the template that is just closing can still count as "in use": retry briefly.
            for attempt in 1...50 {
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(templateName)"), logger: logger)
                    return
                } catch where PostgresFailure.sqlState(error) == "55006" && attempt < 50 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        return try admin.replacingDatabase(name)
    }

    static func withAdmin<T>(_ admin: PostgresLocation, _ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = PostgresRegister.defaultLogger
        let connection = try await PostgresConnection.connect(configuration: admin.connectionConfiguration(), id: 0, logger: logger)
        do {
            let result = try await body(connection, logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Makes the template once per process (the first caller's task; the others wait for it).
    actor Template {
        static let shared = Template()
        private var making: [String: Task<Void, any Error>] = [:]

        func ensure(_ admin: PostgresLocation) async throws {
            let server = "\(admin.host):\(admin.port)"
            let task = making[server] ?? Task {
                try await withAdmin(admin) { connection, logger in
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(templateName)"), logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(templateName)"), logger: logger)
                }
                _ = try await PostgresRegister.open(admin.replacingDatabase(templateName))
            }
            making[server] = task
            try await task.value
        }
    }
}

extension PostgresLocation {
    /// The same server and account, another database.
    public func replacingDatabase(_ name: String) throws -> PostgresLocation {
        var url = URLComponents()
        url.scheme = "postgres"
        url.host = host
        url.port = port
        url.user = username
        url.password = password
        url.path = "/" + name
        url.queryItems = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        return try PostgresLocation(url: url.string!)
    }
}
