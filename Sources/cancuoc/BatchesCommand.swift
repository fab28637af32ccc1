import ArgumentParser
import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation

struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches", abstract: "Production batches: group approved applications, personalise and export them, mark them printed and dispatched.",
        subcommands: [BatchesCreate.self, BatchesRun.self, BatchesShow.self, BatchesList.self, BatchesPrinted.self, BatchesDispatched.self])

    static func json(_ batch: ProductionBatch) throws -> String { try ProductionBatchJSON(batch).text() }

    static func show(_ store: any RegisterStore, _ id: Int64) async throws {
        guard let batch = try await store.batches.batch(id: id) else { throw fail(BatchError.notFound(id)) }
        print(try json(batch))
    }

    static func fail(_ error: Error) -> ExitCode {
        printError("batches: \(error)")
        return ExitCode(1)
    }
}

struct BatchesCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Group approved applications (most urgent first) into a new batch.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The province whose applications to group.") var province: String = "38"
    @Option(help: "At most this many applications (1 to 20000).") var size: Int = 1000

    func run() async throws {
        let store = try await database.open()
        // The audit's key opens before anything changes: a batch is never made without its entry.
        let audit = try await OperatorAudit(store: store, keys: try await database.keyRing(for: store))
        do {
            let batch = try await ApplicationService(store: store).createBatch(provinceCodes: [province], size: size, actor: OperatorAudit.operatorName)
            try await audit.record("batch.create", target: "batch:\(batch.id)", purpose: "\(batch.pending) applications")
            print(try BatchesCommand.json(batch))
        } catch let error as BatchError {
            throw BatchesCommand.fail(error)
        }
    }
}

struct BatchesRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Personalise the batch's pending cards and export the batch for the card printer (run again to resume).")

    @OptionGroup var database: DatabaseOption
    @OptionGroup var pki: PKIOptions
    @Argument var id: Int64
    @Option(help: "The folder the batch folder is written into.") var out: String

    func run() async throws {
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        let signer = try pki.directory.signer(passphrase: try pki.passphrase())
        let producer = BatchProducer(store: store, keys: keys, signer: signer)
        do {
            let started = Date()
            let run = try await producer.run(batchID: id, actor: OperatorAudit.operatorName, to: URL(fileURLWithPath: out))
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            if let outcome = run.outcome {
                try await OperatorAudit(store: store, keys: keys).record("batch.personalise", target: "batch:\(id)", purpose: "\(outcome.personalised) cards, \(outcome.failed) failed")
                printError("personalised \(outcome.personalised) cards, \(outcome.failed) failed, and exported to \(run.folder.path) in \(seconds) s")
            } else {
                printError("exported to \(run.folder.path) in \(seconds) s")
            }
            try await OperatorAudit(store: store, keys: keys).record("batch.export", target: "batch:\(id)", purpose: run.folder.path)
            try await BatchesCommand.show(store, id)
        } catch let error as BatchError {
            throw BatchesCommand.fail(error)
        }
    }
}

struct BatchesShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A batch with its counts, as JSON.")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64

    func run() async throws { try await BatchesCommand.show(try await database.open(), id) }
}

struct BatchesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The newest batches, one JSON object per line.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The province.") var province: String = "38"
    @Option(help: "How many.") var limit: Int = 20

    func run() async throws {
        for batch in try await database.open().batches.batches(provinceCodes: [province], limit: limit) { print(try BatchesCommand.json(batch)) }
    }
}

struct BatchesPrinted: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "printed", abstract: "The printer printed the exported batch: its applications become printed.")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64

    func run() async throws {
        try await BatchesCommand.mark(id, database, audit: "batch.printed") { try await $0.markPrinted(batchID: id, actor: OperatorAudit.operatorName) }
    }
}

struct BatchesDispatched: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dispatched", abstract: "The printed cards left for their return points.")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64

    func run() async throws {
        try await BatchesCommand.mark(id, database, audit: "batch.dispatched") { try await $0.markDispatched(batchID: id, actor: OperatorAudit.operatorName) }
    }
}

extension BatchesCommand {
    /// A batch step that moves its applications together: run, audited, then the batch shown. The audit's
    /// key opens first, so a missing or wrong key file stops the step before anything moves.
    static func mark(_ id: Int64, _ database: DatabaseOption, audit action: String, _ move: (ApplicationService) async throws -> Int) async throws {
        let store = try await database.open()
        let audit = try await OperatorAudit(store: store, keys: try await database.keyRing(for: store))
        do {
            let moved = try await move(ApplicationService(store: store))
            try await audit.record(action, target: "batch:\(id)", purpose: "\(moved) cards")
            try await show(store, id)
        } catch let error as BatchError {
            throw fail(error)
        }
    }
}
