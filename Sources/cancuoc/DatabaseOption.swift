import ArgumentParser
import CanCuocSQLite
import CanCuocStore
import Foundation

/// `--db`: a SQLite file path or `sqlite:PATH`; defaults to $CANCUOC_DB, then ./data/cancuoc.sqlite.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "Database: a SQLite file path or sqlite:PATH (env CANCUOC_DB; default ./data/cancuoc.sqlite).")
    var db: String?

    var location: String { db ?? ProcessInfo.processInfo.environment["CANCUOC_DB"] ?? "./data/cancuoc.sqlite" }

    /// The SQLite file path when it names a file that does not exist yet.
    var newFilePath: String? {
        guard !location.hasPrefix("postgres") else { return nil }
        let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
        return path.isEmpty || FileManager.default.fileExists(atPath: path) ? nil : path
    }

    func open() throws -> any RegisterStore {
        let location = self.location
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL is not available in this build yet; use a SQLite path")
        }
        let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
        guard !path.isEmpty else { throw ValidationError("--db needs a file path") }
        return try SQLiteRegister(path: path)
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
