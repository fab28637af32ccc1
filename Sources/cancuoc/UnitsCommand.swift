import ArgumentParser
import CanCuocCore
import Foundation

struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "units", abstract: "Administrative units.", subcommands: [UnitsList.self])
}

struct UnitsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print a province and its whole subtree as valid on a date, as CSV.")

    @Option(help: "Province code (2 digits).") var province: String
    @Option(help: "Date YYYY-MM-DD (default today).") var on: String?

    func run() throws {
        let date: LocalDate
        do throws(PartialDateError) {
            if let on { date = try LocalDate(iso: on) } else { date = LocalDate(Date()) }
        } catch {
            printError("units: \(error.message)")
            throw ExitCode(2)
        }
        let edition = AdminEdition.inForce(on: date)
        let units = AdminUnitCatalog.shared.subtree(of: UnitRef(edition: edition, code: province))
        guard !units.isEmpty, units[0].level == .province else {
            printError("units: no province \(province) in the tree valid on \(date)")
            throw ExitCode(2)
        }
        var text = CSVWriter.row(["code", "level", "type", "name", "parent_code"])
        for unit in units { text += CSVWriter.row([unit.code, unit.level.rawValue, unit.type.rawValue, unit.name, unit.parentCode ?? ""]) }
        print(text, terminator: "")
    }
}
