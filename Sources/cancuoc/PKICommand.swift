import ArgumentParser
import CanCuocChip
import CanCuocCore
import Foundation
import X509

/// `--pki DIR` and the passphrase that opens its private keys: from $CANCUOC_PKI_PASSPHRASE or
/// `--passphrase-file`, never from a flag (a flag would be in the shell history and the process list).
struct PKIOptions: ParsableArguments {
    @Option(name: .long, help: "The card PKI folder (env CANCUOC_PKI; default ./data/pki).")
    var pki: String?

    @Option(name: .long, help: "A file whose first line is the PKI passphrase (else env CANCUOC_PKI_PASSPHRASE).")
    var passphraseFile: String?

    /// `--as-of`: when the new certificates start (default now), to rehearse a campaign on past dates.
    static func start(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard let day = try? LocalDate(iso: text) else { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
        return day.endInstant.addingTimeInterval(-86_400)
    }

    var directory: PKIDirectory {
        let path = pki ?? ProcessInfo.processInfo.environment["CANCUOC_PKI"] ?? "./data/pki"
        return PKIDirectory(url: URL(fileURLWithPath: path))
    }

    func passphrase() throws -> String {
        if let passphraseFile {
            guard let text = try? String(contentsOfFile: passphraseFile, encoding: .utf8) else {
                throw ValidationError("cannot read the passphrase file \(passphraseFile)")
            }
            return String(text.split(whereSeparator: \.isNewline).first ?? "")
        }
        if let value = ProcessInfo.processInfo.environment["CANCUOC_PKI_PASSPHRASE"], !value.isEmpty { return value }
        throw ValidationError("the PKI passphrase is needed: set CANCUOC_PKI_PASSPHRASE or pass --passphrase-file FILE")
    }
}

struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki", abstract: "The country signing CA and the Document Signers that sign the cards' chips.",
        subcommands: [PKIInit.self, PKIIssueDS.self, PKIMasterList.self, PKIList.self])
}

struct PKIInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the CSCA (P-384) and a first Document Signer (P-256).")
    @OptionGroup var options: PKIOptions
    @Option(help: ArgumentHelp("Start the certificates on this date (YYYY-MM-DD) instead of now.", visibility: .hidden)) var asOf: String?

    func run() async throws {
        let dir = options.directory
        let (csca, ds) = try dir.initialise(passphrase: try options.passphrase(), now: try PKIOptions.start(asOf))
        print("created the CSCA and a Document Signer in \(dir.url.path) (private keys encrypted with the passphrase)")
        PKIList.describe(csca, role: "CSCA")
        PKIList.describe(ds, role: "DS")
    }
}

struct PKIIssueDS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "issue-ds", abstract: "Issue a new Document Signer; cards are signed by the newest one whose key may sign.")
    @OptionGroup var options: PKIOptions
    @Option(help: ArgumentHelp("Start the certificate on this date (YYYY-MM-DD) instead of now.", visibility: .hidden)) var asOf: String?

    func run() async throws {
        let ds = try options.directory.issueDocumentSigner(passphrase: try options.passphrase(), now: try PKIOptions.start(asOf))
        PKIList.describe(ds, role: "DS")
    }
}

struct PKIMasterList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "masterlist", abstract: "Export the CSCA certificate(s), PEM, for relying parties.")
    @OptionGroup var options: PKIOptions
    @Option(help: "Output file (default: standard output).") var out: String?

    func run() async throws {
        let bundle = try options.directory.masterList()
        guard !bundle.isEmpty else { throw PKIError.notInitialised(options.directory.url.path) }
        if let out {
            try Data(bundle.utf8).write(to: URL(fileURLWithPath: out))
            print("wrote the CSCA certificate(s) to \(out)")
        } else {
            print(bundle, terminator: "")
        }
    }
}

struct PKIList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the CSCA and Document Signer certificates.")
    @OptionGroup var options: PKIOptions

    func run() async throws {
        let dir = options.directory
        for cert in try dir.cscaCertificates() { Self.describe(cert, role: "CSCA") }
        for cert in try dir.documentSignerCertificates() { Self.describe(cert, role: "DS") }
    }

    static func describe(_ cert: Certificate, role: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        var line = "\(role)  \(cert.subject)  certificate \(formatter.string(from: cert.notValidBefore))..\(formatter.string(from: cert.notValidAfter))"
        if let period = try? PrivateKeyUsagePeriod(cert) {
            line += "  key signs \(formatter.string(from: period.notBefore))..\(formatter.string(from: period.notAfter))"
        }
        print(line)
    }
}
