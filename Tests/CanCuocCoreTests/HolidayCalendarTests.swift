import Foundation
import Testing
@testable import CanCuocCore

@Suite struct HolidayCalendarTests {
    let calendar = HolidayCalendar.shipped

    func day(_ text: String) throws -> LocalDate { try LocalDate(iso: text) }

    @Test func weekdays() throws {
        #expect(HolidayCalendar.weekday(try day("2021-02-10")) == 2)  // a Wednesday
        #expect(HolidayCalendar.weekday(try day("1970-01-01")) == 3)  // a Thursday
        #expect(HolidayCalendar.weekday(try day("2026-11-29")) == 6)  // a Sunday
    }

    @Test func the2021DaysOffOfREFERENCE() throws {
        for off in ["2021-01-01", "2021-02-10", "2021-02-12", "2021-02-16", "2021-04-21", "2021-04-30", "2021-05-03", "2021-09-02", "2021-09-03"] {
            #expect(try calendar.isWorkingDay(try day(off)) == false, "\(off)")
        }
        for working in ["2021-02-09", "2021-02-17", "2021-04-22", "2021-05-04", "2021-09-06"] {
            #expect(try calendar.isWorkingDay(try day(working)), "\(working)")
        }
        #expect(try calendar.isWorkingDay(try day("2021-02-20")) == false)  // a Saturday
    }

    @Test func dueDatesSkipWeekendsHolidaysAndDaysInLieu() throws {
        // Received Friday 2021-02-05, 7 working days: 8, 9, then Tết (10-16), then 17, 18, 19, 22, 23.
        #expect(try calendar.adding(workingDays: 7, to: try day("2021-02-05")) == (try day("2021-02-23")))
        // Received 2021-04-29: 30 April, 1 May (a Saturday) and its day in lieu 3 May are off.
        #expect(try calendar.adding(workingDays: 2, to: try day("2021-04-29")) == (try day("2021-05-05")))
        // The day itself is not counted; zero days is the same day.
        #expect(try calendar.adding(workingDays: 1, to: try day("2021-09-01")) == (try day("2021-09-06")))
        #expect(try calendar.adding(workingDays: 0, to: try day("2021-09-04")) == (try day("2021-09-04")))
        // 2026: Giỗ Tổ falls on Sunday 26 April, Monday 27 is given in lieu.
        #expect(try calendar.adding(workingDays: 3, to: try day("2026-04-23")) == (try day("2026-04-29")))
        #expect(try calendar.adding(workingDays: 4, to: try day("2026-04-23")) == (try day("2026-05-04")))
        #expect(try calendar.workingDays(after: try day("2021-02-05"), through: try day("2021-02-23")) == 7)
    }

    @Test func aYearWithoutDataIsAnError() throws {
        #expect(throws: HolidayCalendarError.yearNotCovered(2028)) { try calendar.adding(workingDays: 30, to: try day("2027-12-10")) }
        #expect(throws: HolidayCalendarError.negative(-1)) { try calendar.adding(workingDays: -1, to: try day("2026-12-10")) }
    }

    @Test func editedCalendarsAreReadWithTheirErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "date,name,kind\n2027-01-01,Tết Dương lịch,holiday\n2027-13-01,x,holiday\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: HolidayCalendarError.badRow(line: 3, reason: "'2027-13-01' is not a date YYYY-MM-DD")) { try HolidayCalendar(csv: url) }
        try "date,name,kind\n2027-01-01,Tết Dương lịch,holiday\n2027-01-04,Nghỉ bù,substitute\n".write(to: url, atomically: true, encoding: .utf8)
        let edited = try HolidayCalendar(csv: url)
        #expect(throws: HolidayCalendarError.yearNotCovered(2026)) { try edited.isWorkingDay(try day("2026-12-31")) }
        #expect(try edited.adding(workingDays: 1, to: try day("2027-01-01")) == (try day("2027-01-05")))
    }
}
