import Foundation

/// Working days for due dates (REFERENCE.md, "Working days"): Monday to Friday, minus the public holidays and
/// the days off the government announces each year, including the day given in lieu of a holiday that falls on
/// a weekend. The calendar is data (`holidays.csv`, one row per day off), kept per year: a date in a year the
/// data does not cover is an error rather than a silently wrong due date.
public struct HolidayCalendar: Sendable, Hashable {
    public struct DayOff: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Codable { case holiday, substitute, dayOff = "day-off" }
        public let date: LocalDate
        public let name: String
        public let kind: Kind

        public init(date: LocalDate, name: String, kind: Kind) {
            self.date = date
            self.name = name
            self.kind = kind
        }
    }

    public private(set) var days: [LocalDate: DayOff]
    /// The years whose days off are known.
    public private(set) var years: Set<Int>

    public init(days: [DayOff]) {
        self.days = Dictionary(days.map { ($0.date, $0) }, uniquingKeysWith: { first, _ in first })
        years = Set(days.map(\.date.year))
    }

    /// The calendar shipped with the project (2021 and the current year; docs/calendar.md).
    public static let shipped: HolidayCalendar = {
        // swiftlint:disable:next force_try - a resource of the package, checked by the tests
        try! HolidayCalendar(csv: CoreResources.directory.appendingPathComponent("holidays.csv"))
    }()

    /// Reads `date,name,kind` rows; the error names the line.
    public init(csv url: URL) throws {
        var days: [DayOff] = []
        try CSVReader(contentsOf: url).forEachRecord { line, fields in
            guard line > 1 else { return }
            guard fields.count >= 2 else { throw HolidayCalendarError.badRow(line: line, reason: "expected date,name,kind") }
            guard let date = try? LocalDate(iso: fields[0]) else { throw HolidayCalendarError.badRow(line: line, reason: "'\(fields[0])' is not a date YYYY-MM-DD") }
            let kindText = fields.count > 2 && !fields[2].isEmpty ? fields[2] : "holiday"
            guard let kind = DayOff.Kind(rawValue: kindText) else { throw HolidayCalendarError.badRow(line: line, reason: "kind '\(kindText)' is not holiday, substitute or day-off") }
            days.append(DayOff(date: date, name: fields[1], kind: kind))
        }
        self.init(days: days)
    }

    /// Monday = 0 ... Sunday = 6.
    public static func weekday(_ date: LocalDate) -> Int {
        ((date.dayNumber % 7) + 7 + 3) % 7
    }

    public func isWorkingDay(_ date: LocalDate) throws(HolidayCalendarError) -> Bool {
        guard years.contains(date.year) else { throw .yearNotCovered(date.year) }
        return Self.weekday(date) < 5 && days[date] == nil
    }

    /// The day `count` working days after `start` (the start day itself is not counted).
    public func adding(workingDays count: Int, to start: LocalDate) throws(HolidayCalendarError) -> LocalDate {
        guard count >= 0 else { throw .negative(count) }
        var date = start
        var left = count
        while left > 0 {
            date = date.adding(days: 1)
            if try isWorkingDay(date) { left -= 1 }
        }
        return date
    }

    /// Working days after `start` up to and including `end` (0 when `end` is not after `start`).
    public func workingDays(after start: LocalDate, through end: LocalDate) throws(HolidayCalendarError) -> Int {
        var count = 0
        var date = start.adding(days: 1)
        while date <= end {
            if try isWorkingDay(date) { count += 1 }
            date = date.adding(days: 1)
        }
        return count
    }
}

public enum HolidayCalendarError: Error, Equatable, Sendable, CustomStringConvertible {
    case yearNotCovered(Int)
    case negative(Int)
    case badRow(line: Int, reason: String)

    public var description: String {
        switch self {
        case .yearNotCovered(let year): "the holiday calendar has no days off for \(year): add that year's public holidays and days off (holidays.csv)"
        case .negative(let n): "the number of working days must not be negative (\(n))"
        case let .badRow(line, reason): "holiday calendar, line \(line): \(reason)"
        }
    }
}
