import ArgumentParser
import CanCuocCore
import Foundation

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "Working days and due dates.", subcommands: [CalendarDue.self])
}

struct CalendarDue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "The date N working days after a day (the day itself not counted), skipping weekends, public holidays and days given in lieu.")

    @Option(help: "The start day, YYYY-MM-DD.") var from: String
    @Option(help: "Working days to add.") var workingDays: Int
    @Option(help: "A holiday calendar CSV (date,name,kind) instead of the shipped one.") var holidays: String?

    func run() throws {
        let start: LocalDate
        do { start = try LocalDate(iso: from) } catch { throw ValidationError("--from: \(error.message)") }
        let calendar: HolidayCalendar
        if let holidays {
            do { calendar = try HolidayCalendar(csv: URL(fileURLWithPath: holidays)) } catch { throw ValidationError("--holidays: \(error)") }
        } else {
            calendar = .shipped
        }
        do {
            print(try calendar.adding(workingDays: workingDays, to: start))
        } catch {
            printError("calendar due: \(error)")
            throw ExitCode(1)
        }
    }
}
