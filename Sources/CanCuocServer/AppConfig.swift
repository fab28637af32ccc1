import CanCuocCore
import Foundation
import Logging

/// The server's configuration, read once at start (CLI flags > environment > defaults) and validated.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    /// The deployment's own province (default Thanh Hóa, 38).
    public var provinceCode: String
    public var logLevel: Logger.Level
    /// Marks the session cookie Secure. Set it when a TLS proxy is in front; a proxy that sends
    /// `X-Forwarded-Proto: https` gets Secure cookies either way.
    public var secureCookies: Bool
    /// Public status look-ups per client address per minute (per server).
    public var statusLookupsPerMinute: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, provinceCode: String = "38", logLevel: Logger.Level = .info, secureCookies: Bool = false,
                statusLookupsPerMinute: Int = 10) {
        self.secureCookies = secureCookies
        self.statusLookupsPerMinute = statusLookupsPerMinute
        self.host = host
        self.port = port
        self.provinceCode = provinceCode
        self.logLevel = logLevel
    }

    public func validated(catalog: AdminUnitCatalog = .shared) throws -> AppConfig {
        guard (0...65535).contains(port) else { throw ConfigError("port \(port) is not between 0 and 65535") }
        guard statusLookupsPerMinute >= 1 else { throw ConfigError("status look-ups per minute must be at least 1") }
        guard catalog.unit(UnitRef(edition: .threeLevel, code: provinceCode))?.level == .province
            || catalog.unit(UnitRef(edition: .twoLevel, code: provinceCode))?.level == .province else {
            throw ConfigError("province \(provinceCode) is not a province code")
        }
        return self
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
