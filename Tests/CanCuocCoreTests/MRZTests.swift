import Testing
@testable import CanCuocCore

@Suite struct MRZTests {
    static let example = [
        "IDVNM2039999995079203999999<<5",
        "0304155M2804154VNM<<<<<<<<<<<4",
        "TRAN<<VAN<B<<<<<<<<<<<<<<<<<<<",
    ]

    @Test func icaoCheckDigits() {
        // ICAO 9303 Part 3/11 specimen: L898902C<, 690806, 940623.
        #expect(MRZCheckDigit.value(of: "L898902C<") == 3)
        #expect(MRZCheckDigit.value(of: "690806") == 1)
        #expect(MRZCheckDigit.value(of: "940623") == 6)
        #expect(MRZCheckDigit.value(of: "<<<<<<") == 0)
        #expect(MRZCheckDigit.value(of: "ab") == nil)
    }

    @Test func generatesTheReferenceExample() throws {
        let mrz = TD1MRZ(pin: try PIN("079203999999"), fullName: "Trần Văn B", birthDate: try PartialDate(iso: "2003-04-15"), sex: .male, expiry: try LocalDate(iso: "2028-04-15"))
        #expect(mrz.lines == Self.example)
    }

    @Test func parsesTheReferenceExample() throws {
        let mrz = try TD1MRZ(lines: Self.example)
        #expect(mrz.pinDigits == "079203999999" && mrz.documentNumber == "203999999")
        #expect(mrz.birthDate?.description == "2003-04-15")
        #expect(mrz.expiry?.description == "2028-04-15")
        #expect(mrz.name.surname == "TRAN" && mrz.name.givenNames == ["VAN", "B"])
        #expect(try TD1MRZ(text: Self.example.joined()).lines == Self.example)
        #expect(try TD1MRZ(text: Self.example.joined(separator: "\r\n") + "\n").lines == Self.example)
    }

    @Test func namesEachFailedCheckDigit() {
        func broken(_ line: Int, _ position: Int, _ character: Character) -> [String] {
            var lines = Self.example
            var chars = Array(lines[line])
            chars[position - 1] = character
            lines[line] = String(chars)
            return lines
        }
        #expect(throws: MRZError.checkDigit(.documentNumber, found: "6", expected: "5")) { try TD1MRZ(lines: broken(0, 15, "6")) }
        #expect(throws: MRZError.checkDigit(.pin, found: "4", expected: "5")) { try TD1MRZ(lines: broken(0, 30, "4")) }
        #expect(throws: MRZError.checkDigit(.birthDate, found: "0", expected: "5")) { try TD1MRZ(lines: broken(1, 7, "0")) }
        #expect(throws: MRZError.checkDigit(.expiryDate, found: "9", expected: "4")) { try TD1MRZ(lines: broken(1, 15, "9")) }
        #expect(throws: MRZError.checkDigit(.composite, found: "1", expected: "4")) { try TD1MRZ(lines: broken(1, 30, "1")) }
        // A changed birth date is caught by its own check digit before the composite.
        #expect(throws: MRZError.checkDigit(.birthDate, found: "5", expected: "6")) { try TD1MRZ(lines: broken(1, 6, "6")) }
        #expect(throws: MRZError.lineCount(2)) { try TD1MRZ(lines: Array(Self.example.prefix(2))) }
        #expect(throws: MRZError.lineLength(line: 3, length: 29)) { try TD1MRZ(lines: [Self.example[0], Self.example[1], String(Self.example[2].dropLast())]) }
        #expect(throws: MRZError.invalidCharacter(line: 3, position: 1, character: "t")) { try TD1MRZ(lines: broken(2, 1, "t")) }
        let message = MRZError.checkDigit(.birthDate, found: "0", expected: "5").description
        #expect(message == "check digit of the date of birth (line 2, position 7) is 0, expected 5")
    }

    @Test func nonExpiringCardAndPartialBirthDate() throws {
        let mrz = TD1MRZ(pin: try PIN("038150000123"), fullName: "Đặng Thị Ánh", birthDate: try PartialDate(iso: "1950"), sex: .female, expiry: nil)
        let lines = mrz.lines
        #expect(lines[1].hasPrefix("50<<<<5F<<<<<<0VNM"))
        #expect(lines[2].hasPrefix("DANG<<THI<ANH<"))
        let back = try TD1MRZ(lines: lines)
        #expect(back.expiry == nil && back.expiryField == TD1MRZ.noExpiry)
        #expect(back.birthDate == (try PartialDate(iso: "1950")))
    }

    @Test func birthCenturyComesFromThePIN() throws {
        let old = TD1MRZ(pin: try PIN("038003000123"), fullName: "Lê Văn An", birthDate: try PartialDate(iso: "1903-02-01"), sex: .male, expiry: nil)
        #expect(try TD1MRZ(lines: old.lines).birthDate?.description == "1903-02-01")
    }

    @Test func longNamesAreTruncatedFromTheLastGivenName() {
        let name = MRZName(vietnameseFullName: "Nguyễn Phước Bửu Thiên Hoàng Khánh Ngọc")
        let field = name.field()
        #expect(field == "NGUYEN<<PHUOC<BUU<THIEN<H<K<N<")
        #expect(field.count == 30)
        #expect(MRZName(vietnameseFullName: "Tôn Nữ Thị Ngọc-Hân").field().hasPrefix("TON<<NU<THI<NGOC<HAN<"))
        let huge = MRZName(surname: String(repeating: "A", count: 40), givenNames: ["BINH"]).field()
        #expect(huge == String(repeating: "A", count: 27) + "<<B")
    }
}
