import CanCuocCore
import Testing

@Suite struct TextAndDateTests {
    @Test func foldsVietnamese() {
        #expect(VietnameseText.fold("Huyện Hoằng Hóa") == "huyen hoang hoa")
        #expect(VietnameseText.fold("ĐẶNG Thị  Ánh-Nguyệt") == "dang thi anh nguyet")
        #expect(VietnameseText.stripMarks("Trần Văn Đức") == "Tran Van Duc")
        #expect(VietnameseText.words("  Nguyễn   văn AN ") == ["nguyen", "van", "an"])
    }

    @Test func parsesPartialDates() throws {
        #expect(try PartialDate(iso: "1948").description == "1948")
        #expect(try PartialDate(iso: "1948-03").month == 3)
        let full = try PartialDate(iso: "2020-02-29")
        #expect(full.isComplete)
        #expect(full.vietnamese == "29/02/2020")
        #expect(try PartialDate(iso: "1948-03").vietnamese == "03/1948")
    }

    @Test(arguments: ["2021-02-29", "2021-13-01", "2021-00-10", "21-01-01", "2021/01/01", "", "abcd", "2021-1-5", "2021-04-31"])
    func rejectsImpossibleOrMalformedDates(text: String) {
        #expect(throws: PartialDateError.self) { try PartialDate(iso: text) }
    }

    @Test func dayArithmeticRoundTrips() throws {
        let date = try LocalDate(iso: "2021-02-10")
        #expect(LocalDate(dayNumber: date.dayNumber) == date)
        #expect(date.adding(days: 19).description == "2021-03-01")
        #expect(try LocalDate(iso: "2024-03-01").adding(days: -1).description == "2024-02-29")
        #expect(date.years(since: try LocalDate(iso: "1993-02-11")) == 27)
        #expect(date.years(since: try LocalDate(iso: "1993-02-10")) == 28)
    }

    @Test func cardExpiryFollowsTheLaw() throws {
        // REFERENCE.md's example: born 1993-01-05, issued 2021-07-24 under the 2014 law -> 2033-01-05.
        let birth = try LocalDate(iso: "1993-01-05")
        #expect(CardValidity.expiry(birthDate: birth, issuedOn: try LocalDate(iso: "2021-07-24"))?.description == "2033-01-05")
        // Within 2 years before 40: valid until 60.
        #expect(CardValidity.expiry(birthDate: birth, issuedOn: try LocalDate(iso: "2031-06-01"))?.description == "2053-01-05")
        // From 58 on: no expiry.
        #expect(CardValidity.expiry(birthDate: birth, issuedOn: try LocalDate(iso: "2051-02-01")) == nil)
        // 29 February birthdays fall on 28 February in non-leap years.
        #expect(CardValidity.expiry(birthDate: try LocalDate(iso: "2000-02-29"), issuedOn: try LocalDate(iso: "2016-05-01"))?.description == "2025-02-28")
        // The 2023 law adds the threshold at 14.
        #expect(CardValidity.expiry(birthDate: try LocalDate(iso: "2015-06-01"), issuedOn: try LocalDate(iso: "2024-08-01"))?.description == "2029-06-01")
    }

    @Test func readsCSVWithQuotes() throws {
        let text = "a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",z\n"
        var rows: [(Int, [String])] = []
        try CSVReader(data: Data(text.utf8)).forEachRecord { rows.append(($0, $1)) }
        #expect(rows.count == 3)
        #expect(rows[1].1 == ["x, y", "he said \"hi\""])
        #expect(rows[2].0 == 3)
        #expect(rows[2].1 == ["multi\nline", "z"])
        #expect(throws: CSVError.unterminatedQuote(line: 1)) {
            try CSVReader(data: Data("\"open,b\n".utf8)).forEachRecord { _, _ in }
        }
        #expect(CSVWriter.row(["a,b", "c\"d", "e"]) == "\"a,b\",\"c\"\"d\",e\n")
    }
}

import Foundation
