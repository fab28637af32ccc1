import Testing
@testable import CanCuocCore

@Suite struct CardValidityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let birth: String
        let issued: String
        let expiry: String?
        let note: String
        var testDescription: String { "\(birth) issued \(issued): \(note)" }
    }

    static let cases: [Case] = [
        // 2014 law: thresholds 25, 40, 60.
        Case(birth: "1993-01-05", issued: "2021-07-24", expiry: "2033-01-05", note: "REFERENCE.md example"),
        Case(birth: "2000-06-10", issued: "2016-03-01", expiry: "2025-06-10", note: "age 15, next threshold 25"),
        Case(birth: "2000-06-10", issued: "2023-06-09", expiry: "2025-06-10", note: "one day before the 2-year window of 25"),
        Case(birth: "2000-06-10", issued: "2023-06-10", expiry: "2040-06-10", note: "first day of the 2-year window of 25"),
        Case(birth: "2000-06-10", issued: "2025-06-09", expiry: "2040-06-10", note: "the day before 25"),
        Case(birth: "2000-06-10", issued: "2025-06-10", expiry: "2040-06-10", note: "on the 25th birthday"),
        Case(birth: "1981-03-15", issued: "2019-03-14", expiry: "2021-03-15", note: "one day before the window of 40"),
        Case(birth: "1981-03-15", issued: "2019-03-15", expiry: "2041-03-15", note: "inside the window of 40: valid to 60"),
        Case(birth: "1981-03-15", issued: "2021-03-15", expiry: "2041-03-15", note: "on the 40th birthday"),
        Case(birth: "1963-08-01", issued: "2021-07-31", expiry: "2023-08-01", note: "the day before 58: the window of 60 opens at 58"),
        Case(birth: "1965-08-01", issued: "2021-07-31", expiry: "2025-08-01", note: "age 55, before the window of 60"),
        Case(birth: "1963-08-01", issued: "2021-08-01", expiry: nil, note: "58th birthday: no expiry"),
        Case(birth: "1950-01-01", issued: "2021-05-05", expiry: nil, note: "age 71: no expiry"),
        Case(birth: "2007-05-01", issued: "2021-06-01", expiry: "2032-05-01", note: "2014 law has no threshold at 14"),
        Case(birth: "2000-02-29", issued: "2016-05-01", expiry: "2025-02-28", note: "29 February in a non-leap year is 28 February"),
        Case(birth: "2000-02-29", issued: "2023-02-27", expiry: "2025-02-28", note: "leap-day holder the day before the window"),
        Case(birth: "2000-02-29", issued: "2023-02-28", expiry: "2040-02-29", note: "leap-day holder: window opens on 28 February"),
        Case(birth: "1990", issued: "2021-06-01", expiry: "2030-01-01", note: "year-only birth date counts from 1 January"),
        Case(birth: "1990-07", issued: "2021-06-01", expiry: "2030-07-01", note: "month-year birth date counts from the 1st"),
        Case(birth: "1998", issued: "2021-06-01", expiry: "2038-01-01", note: "year only, inside the window of 25"),
        // 2023 law: thresholds 14, 25, 40, 60.
        Case(birth: "2015-06-01", issued: "2024-08-01", expiry: "2029-06-01", note: "2023 law: child, expires at 14"),
        Case(birth: "2012-09-01", issued: "2024-08-31", expiry: "2026-09-01", note: "one day before the window of 14"),
        Case(birth: "2012-09-01", issued: "2024-09-01", expiry: "2037-09-01", note: "inside the window of 14: valid to 25"),
        Case(birth: "2010-01-10", issued: "2024-07-01", expiry: "2035-01-10", note: "first day of the 2023 law, age 14"),
        Case(birth: "2010-09-01", issued: "2024-06-30", expiry: "2035-09-01", note: "last day of the 2014 law"),
        Case(birth: "1999-12-31", issued: "2024-12-30", expiry: "2039-12-31", note: "the day before 25"),
        Case(birth: "1966-10-10", issued: "2024-10-09", expiry: "2026-10-10", note: "2023 law, the day before 58"),
        Case(birth: "1968-10-10", issued: "2024-10-09", expiry: "2028-10-10", note: "2023 law, age 55"),
        Case(birth: "1966-10-10", issued: "2024-10-10", expiry: nil, note: "2023 law, 58th birthday"),
        Case(birth: "2024-01-15", issued: "2025-03-01", expiry: "2038-01-15", note: "2023 law, a baby: expires at 14"),
    ]

    @Test(arguments: cases) func expiry(_ c: Case) throws {
        let expiry = CardValidity.expiry(birthDate: try PartialDate(iso: c.birth), issuedOn: try LocalDate(iso: c.issued))
        #expect(expiry?.description == c.expiry)
    }

    @Test func lawFollowsTheIssueDate() throws {
        #expect(CardLaw.inForce(on: try LocalDate(iso: "2024-06-30")) == .citizenIdentification2014)
        #expect(CardLaw.inForce(on: try LocalDate(iso: "2024-07-01")) == .identification2023)
    }

    @Test func leapDayAgeCountsOn28February() throws {
        let birth = try LocalDate(iso: "2004-02-29")
        #expect(CardValidity.age(birthDate: birth, on: try LocalDate(iso: "2018-02-27")) == 13)
        #expect(CardValidity.age(birthDate: birth, on: try LocalDate(iso: "2018-02-28")) == 14)
        #expect(CardValidity.age(birthDate: birth, on: try LocalDate(iso: "2020-02-29")) == 16)
    }

    func resident(born: String, nationality: String = "Việt Nam", dead: Bool = false) throws -> Resident {
        var r = Resident(provinceCode: "38", pin: try PIN("038203000001"), fullName: "Lê Thị Hoa", birthDate: try PartialDate(iso: born), sex: .female, nationality: nationality)
        if dead { r.deathDate = try PartialDate(iso: "2021-01-01") }
        return r
    }

    @Test func eligibilityByLaw() throws {
        let at13 = CardEligibility(resident: try resident(born: "2008-03-01"), on: try LocalDate(iso: "2021-06-01"))
        #expect(at13.decision == .refused(.tooYoung(age: 13, minimumAge: 14)))
        let at14 = CardEligibility(resident: try resident(born: "2007-03-01"), on: try LocalDate(iso: "2021-06-01"))
        #expect(at14.decision == .mandatory && at14.biometrics == [.face, .fingerprints])
        let child5 = CardEligibility(resident: try resident(born: "2020-01-01"), on: try LocalDate(iso: "2025-06-01"))
        #expect(child5.decision == .onRepresentativeRequest && child5.biometrics.isEmpty)
        let child6 = CardEligibility(resident: try resident(born: "2019-01-01"), on: try LocalDate(iso: "2025-06-01"))
        #expect(child6.biometrics == [.face, .fingerprints, .iris])
        #expect(CardEligibility(resident: try resident(born: "1980-01-01", dead: true), on: try LocalDate(iso: "2021-06-01")).decision == .refused(.deceased))
        #expect(CardEligibility(resident: try resident(born: "1980-01-01", nationality: "Lào"), on: try LocalDate(iso: "2021-06-01")).isEligible == false)
    }
}
