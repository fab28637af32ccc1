import CanCuocCore
import Testing

@Suite struct PopulationGeneratorTests {
    static func generate(_ people: Int, seed: UInt64) throws -> [(Household, [Resident])] {
        var generator = try PopulationGenerator(provinceCode: "38", people: people, seed: seed)
        var out: [(Household, [Resident])] = []
        while let next = generator.next() { out.append((next.household, next.members)) }
        return out
    }

    @Test func isDeterministicForASeed() throws {
        let a = try Self.generate(2_000, seed: 7).flatMap(\.1)
        let b = try Self.generate(2_000, seed: 7).flatMap(\.1)
        let c = try Self.generate(2_000, seed: 8).flatMap(\.1)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 2_000)
    }

    @Test func looksLikeThanhHoa() throws {
        let households = try Self.generate(30_000, seed: 2021)
        let people = households.flatMap(\.1)
        let reference = PopulationGenerator.defaultReferenceDate
        let catalog = AdminUnitCatalog.shared
        // Every commune has residents.
        let communes = Set(households.map(\.0.address.unit))
        #expect(communes.count == 549)
        // Surname shares near the national ones.
        func share(_ predicate: (Resident) -> Bool) -> Double { Double(people.filter(predicate).count) / Double(people.count) }
        let nguyen = share { $0.fullName.hasPrefix("Nguyễn ") }
        #expect((0.28...0.42).contains(nguyen))
        #expect((0.07...0.14).contains(share { $0.fullName.hasPrefix("Trần ") }))
        // Age and sex structure: children, working age, elderly; roughly balanced sexes.
        let ages = people.map { reference.year - $0.birthDate.year }
        let children = Double(ages.filter { $0 < 15 }.count) / Double(ages.count)
        let elderly = Double(ages.filter { $0 >= 60 }.count) / Double(ages.count)
        #expect((0.18...0.32).contains(children))
        #expect((0.08...0.22).contains(elderly))
        #expect((0.45...0.55).contains(share { $0.sex == .male }))
        // Household sizes around 3.5.
        let meanSize = Double(people.count) / Double(households.count)
        #expect((2.8...4.2).contains(meanSize))
        // Kinh majority; Mường and Thái live in the mountain districts.
        #expect(share { $0.ethnicityCode == "01" } > 0.7)
        let mountain = PopulationGenerator.thanhHoaMountainDistricts(catalog)
        #expect(mountain.count == 11)
        let minorities = people.filter { ["06", "03"].contains($0.ethnicityCode) }
        let inMountains = minorities.filter { mountain.contains(catalog.unit($0.permanentResidence!.unit)!.parentCode!) }
        #expect(Double(inMountains.count) / Double(minorities.count) > 0.8)
        // Early-2021 documents: some old ID only, some 12-digit numbers, some nothing.
        let adults = people.filter { reference.year - $0.birthDate.year >= 18 }
        let oldOnly = adults.filter { $0.oldIdNumber != nil && $0.documents.isEmpty }.count
        let twelve = adults.filter { !$0.documents.isEmpty }.count
        let nothing = adults.filter { $0.oldIdNumber == nil && $0.documents.isEmpty }.count
        #expect(oldOnly > adults.count / 4 && twelve > adults.count / 4 && nothing > 0)
        // Nobody under 14 has an identity document.
        #expect(people.filter { reference.year - $0.birthDate.year < 13 }.allSatisfy { $0.documents.isEmpty && $0.oldIdNumber == nil })
    }

    @Test func generatedRecordsPassTheRegisterRules() throws {
        let people = try Self.generate(3_000, seed: 3).flatMap(\.1)
        let validator = ResidentValidator(today: try LocalDate(iso: "2021-02-10"))
        var withHousehold = people
        for index in withHousehold.indices { withHousehold[index].householdId = 1 }
        let problems = withHousehold.flatMap(validator.problems)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(Set(people.compactMap(\.pin)).count == people.count)
        #expect(Set(people.compactMap(\.oldIdNumber)).count == people.compactMap(\.oldIdNumber).count)
    }
}
