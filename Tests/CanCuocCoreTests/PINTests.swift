import CanCuocCore
import Testing

@Suite struct PINTests {
    @Test(arguments: [
        (0, 1900, Sex.male), (1, 1900, .female), (2, 2000, .male), (3, 2000, .female),
        (4, 2100, .male), (5, 2100, .female), (6, 2200, .male), (7, 2200, .female),
        (8, 2300, .male), (9, 2300, .female),
    ])
    func decodesEveryCenturySexDigit(digit: Int, century: Int, sex: Sex) throws {
        let pin = try PIN("038\(digit)93001234")
        #expect(pin.sex == sex)
        #expect(pin.birthYear == century + 93)
        #expect(pin.centurySexDigit == digit)
        #expect(pin.provinceCode == "038")
        #expect(pin.serial == 1234)
        #expect(PIN.centurySexDigit(birthYear: century + 93, sex: sex) == digit)
    }

    @Test func rejectsWrongLength() {
        #expect(throws: PINError.wrongLength(11)) { try PIN("03809300123") }
        #expect(throws: PINError.wrongLength(13)) { try PIN("0380930012345") }
    }

    @Test func rejectsNonDigits() {
        #expect(throws: PINError.notDigits) { try PIN("03809300123A") }
        #expect(throws: PINError.notDigits) { try PIN("038 93001234") }
    }

    @Test func rejectsUnknownProvinceUnlessBornAbroad() throws {
        #expect(throws: PINError.unknownProvinceCode("999")) { try PIN("999093001234") }
        #expect(throws: PINError.unknownProvinceCode("100")) { try PIN("100093001234") }
        // 63 province codes: 001 (Hà Nội) .. 096 (Cà Mau) with gaps; 003 is not one.
        #expect(throws: PINError.unknownProvinceCode("003")) { try PIN("003093001234") }
        let abroad = try PIN("999093001234", bornAbroad: true)
        #expect(abroad.provinceCode == "999")
        #expect(try PIN("001093001234").provinceCode == "001")
        #expect(try PIN("096093001234").provinceCode == "096")
    }

    @Test func checksConsistencyWithRecord() throws {
        let pin = try PIN("038193001234")  // female, 1993
        try pin.checkConsistency(sex: .female, birthYear: 1993, currentYear: 2026)
        #expect(throws: PINError.sexMismatch(pin: .female, record: .male, digit: 1)) {
            try pin.checkConsistency(sex: .male, birthYear: 1993, currentYear: 2026)
        }
        #expect(throws: PINError.birthYearMismatch(pin: 1993, record: 1994)) {
            try pin.checkConsistency(sex: .female, birthYear: 1994, currentYear: 2026)
        }
        #expect(throws: PINError.birthYearInFuture(2193)) {
            try PIN("038493001234").checkConsistency(sex: nil, birthYear: nil, currentYear: 2026)
        }
    }

    @Test func everyFaultHasItsOwnMessage() {
        let faults: [PINError] = [.wrongLength(3), .notDigits, .unknownProvinceCode("999"),
                                  .sexMismatch(pin: .male, record: .female, digit: 0), .birthYearMismatch(pin: 1990, record: 1991), .birthYearInFuture(2190)]
        #expect(Set(faults.map(\.message)).count == faults.count)
        #expect(Set(faults.map(\.code)).count == faults.count)
    }

    @Test func bucketPrefixAndBuiltPINs() throws {
        let bucket = PINBucket(provinceCode: "038", sex: .female, birthYear: 2005)
        #expect(bucket.prefix == "038305")
        let pin = PIN(bucket: bucket, serial: 42)
        #expect(pin.digits == "038305000042")
        #expect(pin.bucket == bucket)
        #expect(pin.lastNine == "305000042")
    }
}
