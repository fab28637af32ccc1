import ArgumentParser
import CanCuocCore
import CanCuocStore
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export records.", subcommands: [ExportResidents.self])
}

struct ExportResidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "residents", abstract: "Write every current resident record in the import CSV format.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Output file (default: standard output).") var out: String?

    func run() async throws {
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        // The export is in the audit trail before any record leaves the database.
        try await OperatorAudit(store: store, keys: keys).record("residents.export", purpose: "all current records to \(out ?? "standard output")")
        let handle: FileHandle
        if let out {
            // Open an existing file in place: FileManager.createFile replaces it by renaming a new file over
            // it, which would turn a device or a pipe (/dev/null, a FIFO) into a plain file.
            if !FileManager.default.fileExists(atPath: out) { _ = FileManager.default.createFile(atPath: out, contents: nil) }
            guard let file = FileHandle(forWritingAtPath: out) else {
                printError("export: cannot write \(out)")
                throw ExitCode(1)
            }
            try? file.truncate(atOffset: 0)
            handle = file
        } else {
            handle = FileHandle.standardOutput
        }
        handle.write(Data(ResidentCSV.header.utf8))
        var count = 0
        try await store.bulk.forEachResident(pageSize: 10_000) { residents in
            var chunk = ""
            for resident in residents { chunk += ResidentCSV.row(resident) }
            handle.write(Data(chunk.utf8))
            count += residents.count
        }
        if out != nil {
            try handle.close()
            print("exported \(count) residents to \(out!)")
        }
    }
}
