import ArgumentParser
import CanCuocPostgres
import CanCuocSQLite
import CanCuocStore
import Foundation
import ServiceLifecycle

/// `--db`: a SQLite file path, `sqlite:PATH`, or `postgres://user:password@host:port/database`;
/// defaults to $CANCUOC_DB, then ./data/cancuoc.sqlite.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Database: a SQLite file path, sqlite:PATH or postgres://user:password@host:port/db (env CANCUOC_DB; default ./data/cancuoc.sqlite).")
    var db: String?

    @Option(name: .long, help: "Data-encryption key file (env CANCUOC_KEYS; default: next to a SQLite file, e.g. ./data/cancuoc.keys). Created with a new key when missing, for a register with nothing sealed yet.")
    var keys: String?

    var location: String { db ?? ProcessInfo.processInfo.environment["CANCUOC_DB"] ?? "./data/cancuoc.sqlite" }

    var isPostgres: Bool { location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") }

    /// The location for messages: a PostgreSQL URL without its password.
    var displayLocation: String { (try? PostgresLocation(url: location).description) ?? location }

    /// The SQLite file path when it names a file that does not exist yet.
    var newFilePath: String? {
        guard !isPostgres else { return nil }
        let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
        return path.isEmpty || FileManager.default.fileExists(atPath: path) ? nil : path
    }

    /// The key file's path: --keys, $CANCUOC_KEYS, or beside the SQLite file. A PostgreSQL database
    /// needs one given explicitly (every server on it must use the same keys).
    var keyPath: String {
        get throws {
            if let keys { return keys }
            if let path = ProcessInfo.processInfo.environment["CANCUOC_KEYS"], !path.isEmpty { return path }
            guard !isPostgres else { throw ValidationError("a PostgreSQL database needs --keys FILE (or CANCUOC_KEYS): the data-encryption key file every server shares") }
            let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
            return URL(fileURLWithPath: path).deletingPathExtension().path + ".keys"
        }
    }

    /// Whether the key file is there (a PostgreSQL database without --keys throws, as `keyPath` does).
    var keyFileExists: Bool {
        get throws { FileManager.default.fileExists(atPath: try keyPath) }
    }

    /// The key ring for `store`: the key file, created (one new key, file mode 0600) when it does not exist
    /// and the register holds nothing sealed yet. A register in use whose key file is missing (moved, or a
    /// mistyped --keys) stops the command before it changes anything, naming the key its data needs.
    func keyRing(for store: any RegisterStore) async throws -> KeyRing {
        let path = try keyPath
        // The audit trail's checkpoint key is sealed at the register's first audited change, before any
        // other secret (accounts, tokens and captures are all audited).
        let sealed = FileManager.default.fileExists(atPath: path) ? nil : try await store.audit.sealedSigningKey()
        return try KeyRing.loadOrCreate(path: path, registerSealed: sealed)
    }

    /// Opens the store; a PostgreSQL pool is returned as a service for the caller's service group, keeping
    /// `connectionsKeptOpen` connections open.
    func openForService(connectionsKeptOpen: Int = 0) async throws -> (store: any RegisterStore, services: [any Service]) {
        if isPostgres {
            let register = try await PostgresRegister.open(PostgresLocation(url: location), connectionsKeptOpen: connectionsKeptOpen)
            return (register, [register])
        }
        let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
        guard !path.isEmpty else { throw ValidationError("--db needs a file path") }
        return (try SQLiteRegister(path: path), [])
    }

    /// Opens the store for a one-shot command: a PostgreSQL pool runs in the background until the process ends.
    func open() async throws -> any RegisterStore {
        let (store, services) = try await openForService()
        for service in services { Task { try await service.run() } }
        return store
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
