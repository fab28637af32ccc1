import ArgumentParser
import CanCuocCore
import CanCuocServer
import Foundation

struct PINCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pin", abstract: "Personal identification numbers.", subcommands: [PINDecode.self, PINValidate.self])
}

struct PINDecode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Print what a PIN says as JSON; exit 2 with the reason if it is invalid.")

    @Argument var pin: String
    @Flag(help: "The birth was registered abroad (the prefix is a country code).") var abroad = false

    func run() throws {
        let parsed = try checkedPIN(pin, abroad: abroad)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(PINDecoding(parsed, catalog: .shared)), as: UTF8.self))
    }
}

struct PINValidate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a PIN (and its consistency with a sex and birth year); exit 0 or 2.")

    @Argument var pin: String
    @Option(help: "male or female") var sex: Sex?
    @Option(name: .customLong("birth-year")) var birthYear: Int?
    @Flag(help: "The birth was registered abroad.") var abroad = false

    func run() throws {
        let parsed = try checkedPIN(pin, abroad: abroad)
        do {
            try parsed.checkConsistency(sex: sex, birthYear: birthYear, currentYear: LocalDate(Date()).year)
        } catch {
            printError("invalid PIN: \(error.message)")
            throw ExitCode(2)
        }
        print("valid")
    }
}

extension Sex: ExpressibleByArgument {}

func checkedPIN(_ text: String, abroad: Bool) throws -> PIN {
    do {
        let pin = try PIN(text, bornAbroad: abroad)
        try pin.checkConsistency(sex: nil, birthYear: nil, currentYear: LocalDate(Date()).year)
        return pin
    } catch {
        printError("invalid PIN: \(error.message)")
        throw ExitCode(2)
    }
}
