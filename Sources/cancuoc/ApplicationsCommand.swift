import ArgumentParser
import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation

struct ApplicationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "applications", abstract: "Card applications: intake, show, move along the pipeline.",
        subcommands: [ApplicationsCreate.self, ApplicationsShow.self, ApplicationsCapture.self, ApplicationsAdvance.self, ApplicationsBenchPrepare.self])

    /// The JSON object scripts read (`id`, `receipt_code`, `state`, `due_date`, ...; `history` with `show`).
    static func json(_ a: ApplicationRecord, history: Bool) throws -> String {
        try ApplicationJSON(a, today: LocalDate(Date()), history: history).text()
    }

    static func fail(_ error: Error, exit status: Int32 = 1) -> ExitCode {
        printError("applications: \(error)")
        return ExitCode(status)
    }
}

struct ApplicationsCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Take an application (prints it as JSON).")

    @OptionGroup var database: DatabaseOption
    @Option(help: "The applicant's PIN.") var pin: String
    @Option(help: "first, renewal, regrant or conversion.") var kind: String
    @Option(help: "The legal reason (renewal, regrant, conversion): \(ApplicationReason.allCases.map(\.rawValue).joined(separator: ", ")).") var reason: String?
    @Option(help: "The application date YYYY-MM-DD (its law applies).") var date: String
    @Option(help: "Where it is taken (a unit code or a mobile session).") var site: String = "38"
    @Option(help: "A request id: the same id again returns the first application.") var requestId: String?
    @Option(help: "The number of the old card or ID collected from the citizen (9 or 12 digits).") var collected: String?

    func run() async throws {
        let pin: PIN
        do { pin = try PIN(self.pin, bornAbroad: true) } catch { throw ValidationError("--pin: \(error.message)") }
        guard let kind = ApplicationKind(rawValue: kind) else { throw ValidationError("--kind must be first, renewal, regrant or conversion") }
        var reason: ApplicationReason?
        if let text = self.reason {
            guard let value = ApplicationReason(rawValue: text) else { throw ValidationError("--reason '\(text)' is unknown") }
            reason = value
        }
        let day: LocalDate
        do { day = try LocalDate(iso: date) } catch { throw ValidationError("--date: \(error.message)") }
        let store = try await database.open()
        let service = ApplicationService(store: store)
        do {
            let (record, _) = try await service.create(.init(pin: pin, kind: kind, reason: reason, date: day, site: site, requestID: requestId,
                                                              collectedDocument: collected),
                                                       actor: OperatorAudit.operatorName)
            print(try ApplicationsCommand.json(record, history: false))
        } catch let error as ApplicationError {
            throw ApplicationsCommand.fail(error)
        }
    }
}

struct ApplicationsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "An application with its history, as JSON.")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64

    func run() async throws {
        let store = try await database.open()
        guard let record = try await store.applications.application(id: id) else { throw ApplicationsCommand.fail(ApplicationError.notFound(id)) }
        print(try ApplicationsCommand.json(record, history: true))
    }
}

struct ApplicationsAdvance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "advance", abstract: "Move an application to another state (exit 2 when the move is not allowed).")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64
    @Option(help: "received, transferred, approved, personalised, printed, dispatched, handed-over, refused, cancelled.") var to: String
    @Option(help: "Why (recorded in the history).") var note: String = ""

    func run() async throws {
        guard let target = ApplicationState(rawValue: to) else { throw ValidationError("--to '\(to)' is not a state") }
        let store = try await database.open()
        do {
            let record = try await ApplicationService(store: store).advance(id: id, to: target, actor: OperatorAudit.operatorName, note: note)
            print(try ApplicationsCommand.json(record, history: true))
        } catch let error as ApplicationError {
            switch error {
            case .rule, .stateChanged, .biometricsMissing: throw ApplicationsCommand.fail(error, exit: 2)
            default: throw ApplicationsCommand.fail(error)
            }
        }
    }
}

struct ApplicationsCapture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture", abstract: "Store a biometric image of an application at the desk (checked, then sealed), or declare it unavailable.")

    @OptionGroup var database: DatabaseOption
    @Argument var id: Int64
    @Option(help: "\(BiometricKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
    @Option(help: "The image (JPEG; fingerprints, irises and the signature also PNG).") var file: String?
    @Option(help: "Why the finger or iris cannot be captured (instead of --file).") var unavailable: String?

    func run() async throws {
        guard let kind = BiometricKind(rawValue: kind) else { throw ValidationError("--kind '\(kind)' is not a biometric") }
        guard (file == nil) != (unavailable == nil) else { throw ValidationError("give either --file or --unavailable") }
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        let service = BiometricService(store: store, keys: keys)
        do {
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                let image: BiometricImage
                do { image = try BiometricImage(kind: kind, bytes: [UInt8](data)) } catch { throw ApplicationError.badBiometric(error.description) }
                try await service.capture(.init(kind: kind, format: image.format.rawValue, width: image.width, height: image.height, bytes: image.bytes),
                                          applicationID: id, actor: OperatorAudit.operatorName)
            } else if let unavailable {
                try await service.declareUnavailable(kind, reason: unavailable, applicationID: id, actor: OperatorAudit.operatorName)
            }
            try await OperatorAudit(store: store, keys: keys).record(file == nil ? "application.biometric-unavailable" : "application.biometric",
                                                                    target: "application:\(id)", purpose: kind.rawValue)
            guard let record = try await store.applications.application(id: id) else { throw ApplicationError.notFound(id) }
            let missing = try await ApplicationService(store: store).missingBiometrics(of: record)
            print(missing.isEmpty ? "complete" : "missing: " + missing.map(\.rawValue).joined(separator: ", "))
        } catch let error as ApplicationError {
            throw ApplicationsCommand.fail(error)
        }
    }
}
