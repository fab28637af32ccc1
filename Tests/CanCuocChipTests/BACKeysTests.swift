import CanCuocChip
import CanCuocCore
import Testing

@Suite struct BACKeysTests {
    @Test func icaoPart11TestVector() {
        // ICAO 9303 Part 11, Appendix D: L898902C<3, 690806 1, 940623 6.
        let keys = BACKeys(documentNumber: "L898902C<", birthDate: "690806", expiryDate: "940623")
        #expect(BACKeys.hex(keys.seed) == "239AB9CB282DAF66231DC5A4DF6BFBAE")
        #expect(BACKeys.hex(keys.encryption) == "AB94FDECF2674FDFB9B391F85D7F76F2")
        #expect(BACKeys.hex(keys.mac) == "7962D9ECE03D1ACD4C76089DCE131543")
    }

    @Test func cardKeysComeFromTheNineDigitDocumentNumber() throws {
        let mrz = TD1MRZ(pin: try PIN("079203999999"), fullName: "Trần Văn B", birthDate: try PartialDate(iso: "2003-04-15"), sex: .male, expiry: try LocalDate(iso: "2028-04-15"))
        let direct = BACKeys(documentNumber: "203999999", birthDate: "030415", expiryDate: "280415")
        #expect(BACKeys(mrz: mrz) == direct)
        #expect(direct != BACKeys(documentNumber: "203999998", birthDate: "030415", expiryDate: "280415"))
    }
}
