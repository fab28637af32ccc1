import ArgumentParser
import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Personalise a card from the register, and check a card's chip (passive authentication).",
        subcommands: [CardPersonalize.self, CardVerify.self, CardExpiry.self, CardBench.self])
}

struct CardPersonalize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personalize",
        abstract: "Personalise a card: printed data, MRZ, QR (text, PNG, SVG), chip files signed by the current Document Signer, BAC keys.",
        aliases: ["personalise"])

    @OptionGroup var database: DatabaseOption
    @OptionGroup var pki: PKIOptions
    @Option(help: "The holder's PIN.") var pin: String
    @Option(help: "The face photo, JPEG (not needed for a child under 6 under the 2023 law).") var photo: String?
    @Option(help: "Issue date YYYY-MM-DD (default: today); the law in force that day applies.") var issued: String?
    @Option(help: "Output folder, which must not exist (default ./cards/PIN-ISSUEDATE).") var out: String?

    func run() async throws {
        let pin: PIN
        do { pin = try PIN(self.pin) } catch { throw ValidationError("--pin: \(error.message)") }
        let issuedOn: LocalDate
        do { issuedOn = try issued.map { try LocalDate(iso: $0) } ?? LocalDate(Date()) } catch { throw ValidationError("--issued must be a date YYYY-MM-DD") }
        var face: [UInt8]?
        if let photo {
            guard let bytes = FileManager.default.contents(atPath: photo) else { throw ValidationError("cannot read the photo \(photo)") }
            face = Array(bytes)
            do { _ = try JPEGInfo(Array(bytes)) } catch { throw ValidationError("--photo: \(error)") }
        }
        let folder = URL(fileURLWithPath: out ?? "./cards/\(pin.digits)-\(issuedOn)")
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw ValidationError("\(folder.path) already exists; personalisation never overwrites a card folder")
        }
        let passphrase = try pki.passphrase()
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        guard let record = try await store.residents.resident(pin: pin) else {
            printError("card personalize: no resident with PIN \(pin.digits)")
            throw ExitCode(1)
        }
        let cancelled = try await store.residents.history(id: record.resident.id).cancelledPIN
        let data: CardData
        do {
            data = try CardData(resident: record.resident, issuedOn: issuedOn, cancelledPIN: cancelled)
        } catch {
            printError("card personalize: \(error)")
            throw ExitCode(1)
        }
        // The Document Signer whose key may sign on the issue date: a card dated a day its certificate does not
        // cover would fail passive authentication.
        let today = LocalDate(Date())
        let signer = try pki.directory.signer(passphrase: passphrase, on: issuedOn == today ? Date() : issuedOn.endInstant.addingTimeInterval(-43_200))

        let card: PersonalisedCard
        do {
            card = try PersonalisedCard(data: data, faceJPEG: face, signer: signer)
        } catch let error as CardPersonalisationError {
            printError("card personalize: \(error)")
            throw ExitCode(1)
        }
        // In the audit trail before the card's data leaves the database.
        try await OperatorAudit(store: store, keys: keys).record("card.personalise", target: "resident:\(record.resident.id)", purpose: "card issued \(issuedOn) to \(folder.path)")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        // The folder is staged, the card stored, then the folder renamed into place: all or nothing.
        let staging = try card.stage(beside: folder)
        do {
            _ = try await store.cards.save(try StoredCard(card, residentID: record.resident.id, provinceCode: record.resident.provinceCode, face: face, keys: keys))
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        try card.commit(staging, to: folder)
        print("personalised card \(pin.digits) (\(data.law == .citizenIdentification2014 ? "2014 law" : "2023 law"), expires \(data.expiryText)) in \(folder.path)")
        print("signed by \(signer.certificate.subject)")
    }
}

struct CardVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Passive authentication of a card's chip files: EF.SOD, data-group hashes, signature, DS certificate chain and validity.")

    @Argument(help: "The card folder (EF.COM, DG1.bin, DG2.bin, DG13.bin, EF.SOD).") var folder: String
    @Option(help: "Trusted CSCA certificate(s), PEM (one or a bundle such as `cancuoc pki masterlist`).") var csca: String
    @Option(help: "Check the DS certificate on this date instead of the issue date in DG13 (YYYY-MM-DD).") var date: String?

    func run() async throws {
        guard let pem = try? String(contentsOfFile: csca, encoding: .utf8) else { throw ValidationError("cannot read --csca \(csca)") }
        let cscas: TrustedCSCAs
        do { cscas = try TrustedCSCAs(pem: pem) } catch { throw ValidationError("--csca \(csca) holds no readable certificate: \(error)") }
        guard !cscas.isEmpty else { throw ValidationError("--csca \(csca) holds no certificate") }
        let date: LocalDate?
        do { date = try self.date.map { try LocalDate(iso: $0) } } catch { throw ValidationError("--date must be a date YYYY-MM-DD") }
        let files: [LDSFile: [UInt8]]
        do { files = try PersonalisedCard.readChipFiles(from: URL(fileURLWithPath: folder)) } catch {
            printError("card verify: \(error)")
            throw ExitCode(1)
        }
        let report = await PassiveAuthenticator(trusted: cscas).verify(files: files, issueDate: date)
        for check in report.checks {
            print("\(check.passed ? "PASS" : "FAIL")  \(check.name): \(check.detail)")
        }
        print(report.passed ? "passive authentication passed" : "passive authentication FAILED")
        if !report.passed { throw ExitCode(1) }
    }
}

struct CardExpiry: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "expiry", abstract: "The expiry of a card: YYYY-MM-DD, or `none` for a card that does not expire.")

    @Option(help: "Date of birth: YYYY-MM-DD, YYYY-MM or YYYY.") var dob: String
    @Option(help: "Issue date YYYY-MM-DD.") var issued: String
    @Option(help: "2014 or 2023 (default: the law in force on the issue date).") var law: String?

    func run() throws {
        let birth: PartialDate
        do { birth = try PartialDate(iso: dob) } catch { throw ValidationError("--dob: \(error.message)") }
        let issuedOn: LocalDate
        do { issuedOn = try LocalDate(iso: issued) } catch { throw ValidationError("--issued: \(error.message)") }
        var chosen: CardLaw?
        if let law {
            guard let value = CardLaw(rawValue: law) else { throw ValidationError("--law must be 2014 or 2023") }
            chosen = value
        }
        guard issuedOn >= birth.earliest else { throw ValidationError("--issued is before the date of birth") }
        print(CardValidity.expiry(birthDate: birth, issuedOn: issuedOn, law: chosen)?.description ?? "none")
    }
}

struct MRZCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mrz", abstract: "Machine readable zone (ICAO 9303 TD1, Vietnamese layout).", subcommands: [MRZCheck.self])
}

struct MRZCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check an MRZ file (three lines): layout and every check digit; exit 1 naming the first fault.")

    @Argument(help: "The file (`-` for standard input).") var file: String

    func run() throws {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
        guard let data else { throw ValidationError("cannot read \(file)") }
        do {
            let mrz = try TD1MRZ(text: String(decoding: data, as: UTF8.self))
            let birth = mrz.birthDate?.description ?? mrz.birthDateField
            let expiry = mrz.expiry?.description ?? "none"
            print("valid: document \(mrz.documentNumber), PIN \(mrz.pinDigits), born \(birth), sex \(mrz.sexCode), expires \(expiry), name \(mrz.name.surname) / \(mrz.name.givenNames.joined(separator: " "))")
        } catch {
            printError("invalid MRZ: \(error)")
            throw ExitCode(1)
        }
    }
}

