import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=...` URL, checked before anything connects.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let username: String
    let password: String?
    public let database: String
    public let sslMode: SSLMode

    public enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    public init(url text: String) throws(PostgresLocationError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text) else {
            throw .malformed("expected postgres://user:password@host:port/database")
        }
        guard let host = url.host, !host.isEmpty else { throw .malformed("the URL names no host") }
        guard let user = url.user, !user.isEmpty else { throw .malformed("the URL names no user") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw .malformed("the URL names no database (…/DATABASE at the end)") }
        var mode = SSLMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else { throw .malformed("sslmode must be disable, prefer or require") }
                mode = value
            default:
                throw .malformed("unknown URL parameter \(item.name)")
            }
        }
        self.host = host
        self.port = url.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        self.sslMode = mode
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// The pool's configuration; `connectionsKeptOpen` are opened at start and never closed for idleness.
    func clientConfiguration(connectionsKeptOpen: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 16
        // The pool arms timers (a sleeping task group each) every time a connection goes back to it: a
        // keep-alive query timer, and an idle-timeout timer for a connection above the kept-open count; the
        // next lease cancels them. With two or three database calls a request that was a fifth of the
        // server's time per PIN look-up (`PostgresRegister.serverConnectionsKeptOpen`). So no keep-alive
        // query; where a firewall drops idle connections, the server's `tcp_keepalives_idle` keeps them open
        // (docs/postgres.md).
        configuration.options.keepAliveBehavior = nil
        configuration.options.minimumConnections = connectionsKeptOpen
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

public enum PostgresLocationError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self {
        case .malformed(let reason): "bad PostgreSQL URL: \(reason)"
        }
    }
}
