import ArgumentParser
import CanCuocCore
import CanCuocStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import records.", subcommands: [ImportResidents.self])
}

struct ImportResidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "residents",
        abstract: "Load residents from the documented CSV (docs/import-format.md). Nothing loads if a row is bad, unless --skip-invalid.")

    @Argument(help: "The CSV file.") var file: String
    @OptionGroup var database: DatabaseOption
    @Option(name: .customLong("skip-invalid"), help: "Load the good rows; write the bad ones with their reasons to this CSV file.")
    var rejects: String?

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            printError("import: cannot read \(file)")
            throw ExitCode(1)
        }
        let store = try await database.open()
        // The key file is needed for the audit entry: find out before loading anything.
        let keys = try await database.keyRing(for: store)
        let audit = try await OperatorAudit(store: store, keys: keys)
        let bar = ProgressBar(label: "import")
        let report: ResidentImporter.Report
        do {
            report = try await ResidentImporter(service: RegisterService(store: store)).run(file: url, skipInvalid: rejects != nil, actor: "import") { done, total in
                bar.update(done, of: total)
            }
        } catch let error as ResidentCSVError {
            bar.finish()
            printError("import: \(error.message)")
            throw ExitCode(1)
        } catch let error as CSVError {
            bar.finish()
            printError("import: \(error.message)")
            throw ExitCode(1)
        } catch let error as StoreError {
            // A conflict the checks could not see (e.g. a PIN this load allocated given again by a later
            // row): the load's transaction rolled back, nothing was imported.
            bar.finish()
            printError("import: \(error.message); nothing was imported")
            throw ExitCode(1)
        }
        bar.finish()
        if let rejects, !report.rejected.isEmpty {
            var text = CSVWriter.row(["line", "reason"] + report.header)
            for row in report.rejected { text += CSVWriter.row([String(row.line), row.reason] + row.fields) }
            try Data(text.utf8).write(to: URL(fileURLWithPath: rejects))
        }
        if rejects == nil && !report.rejected.isEmpty {
            for row in report.rejected.prefix(1000) { printError("line \(row.line): \(row.reason)") }
            if report.rejected.count > 1000 { printError("... and \(report.rejected.count - 1000) more bad rows") }
            printError("import: \(report.rejected.count) bad rows; nothing was imported (use --skip-invalid REJECTS.csv to load the good rows)")
            throw ExitCode(1)
        }
        try await audit.record("residents.import", purpose: "\(report.imported) residents from \(URL(fileURLWithPath: file).lastPathComponent)")
        print("imported \(report.imported) residents" + (report.rejected.isEmpty ? "" : ", rejected \(report.rejected.count) (see \(rejects ?? ""))"))
    }
}
