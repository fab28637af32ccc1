import Foundation

/// Generates a realistic synthetic population of one province, household by household, the same for the
/// same seed: national surname frequencies, middle and given names by sex and generation, households of
/// realistic size, more people in wards and towns, the province's ethnic mix (Mường and Thái in Thanh Hóa's
/// mountain districts), and the documents people held in early 2021.
public struct PopulationGenerator {
    public struct Output {
        public let household: Household
        public let members: [Resident]
    }

    public let provinceCode: String
    public let people: Int
    public let referenceDate: LocalDate
    private let catalog: AdminUnitCatalog
    private let names = NameLists.shared
    private var random: SeededGenerator
    private let communes: [AdminUnit]
    private let communeTable: WeightedTable<Int>
    private let mountainDistricts: Set<String>
    private let provinceName: String
    private let otherProvinces: [String]
    private var generated = 0
    private var households = 0
    private var usedSerials: [String: Set<Int>] = [:]
    private var usedOldIds: Set<Int> = []

    /// Early 2021, when Thanh Hóa's campaign started.
    public static let defaultReferenceDate = try! LocalDate(year: 2021, month: 2, day: 1)

    public init(provinceCode: String, people: Int, seed: UInt64, referenceDate: LocalDate = defaultReferenceDate, catalog: AdminUnitCatalog = .shared) throws {
        let edition = AdminEdition.inForce(on: referenceDate)
        let provinceRef = UnitRef(edition: edition, code: provinceCode)
        guard let province = catalog.unit(provinceRef), province.level == .province else {
            throw GeneratorError.unknownProvince(provinceCode)
        }
        self.provinceCode = provinceCode
        self.people = people
        self.referenceDate = referenceDate
        self.catalog = catalog
        self.random = SeededGenerator(seed: seed)
        self.provinceName = province.name
        self.communes = catalog.communes(under: provinceRef)
        self.mountainDistricts = provinceCode == "38" ? Self.thanhHoaMountainDistricts(catalog) : []
        let mountain = mountainDistricts
        communeTable = WeightedTable(communes.enumerated().map { index, unit in
            let weight: Double = switch unit.type {
            case .phuong: 4
            case .thiTran: 2.5
            default: mountain.contains(unit.parentCode ?? "") ? 0.6 : 1
            }
            return (index, weight)
        })
        otherProvinces = catalog.provinces(.threeLevel).map(\.code).filter { $0 != provinceCode }
    }

    /// The next household and its members, or nil when `people` residents have been generated.
    public mutating func next() -> Output? {
        guard generated < people, !communes.isEmpty else { return nil }
        // Every commune gets a household first, then communes by weight.
        let communeIndex = households < communes.count ? households : random.pick(communeTable)
        households += 1
        let commune = communes[communeIndex]
        let address = Address(unit: commune.reference, street: street(in: commune))
        let household = Household(provinceCode: provinceCode, address: address)
        var members = makeMembers(commune: commune, address: address)
        if members.count > people - generated { members = Array(members.prefix(people - generated)) }
        generated += members.count
        return Output(household: household, members: members)
    }

    // MARK: Households

    private struct Person {
        var sex: Sex
        var age: Int
        var relation: HouseholdRelation
        var surname: String
    }

    private mutating func makeMembers(commune: AdminUnit, address: Address) -> [Resident] {
        let ethnicity = pickEthnicity(commune: commune)
        let surname = pickSurname(ethnicity)
        var persons: [Person] = []
        let kind = random.pick(WeightedTable([("single", 0.13), ("couple", 0.15), ("nuclear", 0.50), ("threeGenerations", 0.22)]))
        switch kind {
        case "single":
            let age = Int.random(in: 20...92, using: &random)
            let sex: Sex = age > 65 ? (random.chance(0.7) ? .female : .male) : (random.chance(0.55) ? .male : .female)
            persons.append(Person(sex: sex, age: age, relation: .head, surname: sex == .male ? surname : pickSurname(ethnicity)))
        default:
            let headAge: Int = switch kind {
            case "couple": random.chance(0.5) ? Int.random(in: 22...32, using: &random) : Int.random(in: 55...88, using: &random)
            case "nuclear": Int.random(in: 24...58, using: &random)
            default: Int.random(in: 26...50, using: &random)
            }
            let spouseAge = max(18, headAge - Int.random(in: -2...6, using: &random))
            persons.append(Person(sex: .male, age: headAge, relation: .head, surname: surname))
            persons.append(Person(sex: .female, age: spouseAge, relation: .spouse, surname: pickSurname(ethnicity)))
            if kind != "couple" {
                let count = random.pick(WeightedTable([(1, 0.28), (2, 0.50), (3, 0.17), (4, 0.05)]))
                var childAge = spouseAge - Int.random(in: 20...30, using: &random)
                for _ in 0..<count where childAge >= 0 {
                    let sex: Sex = random.chance(0.53) ? .male : .female
                    persons.append(Person(sex: sex, age: childAge, relation: .child, surname: surname))
                    childAge -= Int.random(in: 2...6, using: &random)
                }
            }
            if kind == "threeGenerations" {
                let grandAge = headAge + Int.random(in: 22...32, using: &random)
                if random.chance(0.55) {
                    persons.append(Person(sex: .male, age: grandAge, relation: .parent, surname: surname))
                }
                persons.append(Person(sex: .female, age: grandAge - Int.random(in: 0...5, using: &random), relation: .parent, surname: pickSurname(ethnicity)))
            }
        }
        // People first, then the family links by PIN.
        var residents = persons.map { makeResident($0, ethnicity: ethnicity, commune: commune, address: address) }
        linkFamily(&residents)
        return residents
    }

    private func linkFamily(_ residents: inout [Resident]) {
        func link(_ r: Resident) -> PersonLink { PersonLink(pin: r.pin, name: r.fullName) }
        guard let head = residents.firstIndex(where: { $0.relationToHead == .head }) else { return }
        let spouse = residents.firstIndex(where: { $0.relationToHead == .spouse })
        let children = residents.indices.filter { residents[$0].relationToHead == .child }
        let parents = residents.indices.filter { residents[$0].relationToHead == .parent }
        if let spouse {
            residents[head].spouse = link(residents[spouse])
            residents[spouse].spouse = link(residents[head])
            residents[head].maritalStatus = .married
            residents[spouse].maritalStatus = .married
            for child in children {
                residents[child].father = link(residents[head])
                residents[child].mother = link(residents[spouse])
            }
            residents[head].children = children.map { link(residents[$0]) }
            residents[spouse].children = residents[head].children
        }
        for parent in parents {
            if residents[parent].sex == .male { residents[head].father = link(residents[parent]) } else { residents[head].mother = link(residents[parent]) }
            residents[parent].children = [link(residents[head])]
            residents[parent].maritalStatus = parents.count == 2 ? .married : .widowed
        }
        // Children under 14 are represented by their father (or mother) in the register.
        for child in children where referenceDate.year - residents[child].birthDate.year < 14 {
            residents[child].legalRepresentative = residents[child].father ?? residents[child].mother
        }
    }

    private mutating func makeResident(_ person: Person, ethnicity: Ethnicity, commune: AdminUnit, address: Address) -> Resident {
        let birth = birthDate(age: person.age)
        let young = birth.year >= 1985
        let middle = random.pick(names.table("middle_\(person.sex.rawValue)_\(young ? "young" : "old")"))
        let given = random.pick(names.table("given_\(person.sex.rawValue)"))
        let fullName = ethnicity.code == "01" || !random.chance(0.3) ? "\(person.surname) \(middle) \(given)" : "\(person.surname) \(given)"
        // Most births were registered in the province; some residents came from elsewhere.
        let bornHere = person.age < 18 || random.chance(0.9)
        let birthProvince = bornHere ? provinceCode : otherProvinces.randomElement(using: &random)!
        let birthProvinceRef = UnitRef(edition: .threeLevel, code: birthProvince)
        let birthPlace = bornHere ? Place(unit: commune.reference) : Place(unit: birthProvinceRef)
        let pin = nextPIN(PINBucket(provinceCode: "0" + birthProvince, sex: person.sex, birthYear: birth.year))
        var resident = Resident(
            provinceCode: provinceCode, pin: pin, fullName: fullName, birthDate: birth, sex: person.sex,
            placeOfBirth: birthPlace, birthRegistrationPlace: birthPlace, hometown: Place(unit: bornHere ? commune.reference : birthProvinceRef),
            ethnicityCode: ethnicity.code, religion: pickReligion(), permanentResidence: address,
            currentResidence: address, relationToHead: person.relation)
        if person.age >= 18 && person.relation != .head && person.relation != .spouse && person.relation != .parent {
            resident.maritalStatus = .single
        } else if person.relation == .head && person.age >= 18 && resident.maritalStatus == nil {
            resident.maritalStatus = person.age > 65 ? .widowed : (random.chance(0.7) ? .single : .divorced)
        }
        if person.age >= 18 && random.chance(0.7) { resident.phone = phoneNumber() }
        if person.age >= 14 { addDocuments(to: &resident, age: person.age) }
        return resident
    }

    private mutating func birthDate(age: Int) -> PartialDate {
        let start = try! LocalDate(year: referenceDate.year - age - 1, month: referenceDate.month, day: referenceDate.day).adding(days: 1)
        let day = start.adding(days: Int.random(in: 0..<365, using: &random))
        // Old records sometimes hold only the year, or the month and year.
        if age >= 65 && random.chance(0.06) { return try! PartialDate(year: day.year) }
        if age >= 50 && random.chance(0.02) { return try! PartialDate(year: day.year, month: day.month) }
        return PartialDate(day)
    }

    // MARK: Documents in early 2021

    private mutating func addDocuments(to resident: inout Resident, age: Int) {
        let state = age < 18
            ? random.pick(WeightedTable([("none", 0.55), ("cmnd9", 0.30), ("cccd", 0.15)]))
            : random.pick(WeightedTable([("none", 0.07), ("cmnd9", 0.45), ("cmnd12", 0.10), ("cccd", 0.38)]))
        let police = "Công an \(provinceName)"
        switch state {
        case "cmnd9":
            resident.oldIdNumber = nextOldId()
        case "cmnd12":
            if random.chance(0.5) { resident.oldIdNumber = nextOldId() }
            let issued = randomDate(from: try! LocalDate(year: 2012, month: 1, day: 1), to: try! LocalDate(year: 2015, month: 12, day: 31), age: age)
            resident.documents.append(IdentityDocument(kind: .cmnd12, number: resident.pin!.digits, issuedOn: issued, issuedBy: police, expiresOn: issued.adding(days: 365 * 15 + 3)))
        case "cccd":
            if random.chance(0.6) { resident.oldIdNumber = nextOldId() }
            let issued = randomDate(from: try! LocalDate(year: 2016, month: 1, day: 1), to: referenceDate.adding(days: -1), age: age)
            let birth = resident.birthDate.localDate ?? resident.birthDate.earliest
            resident.documents.append(IdentityDocument(
                kind: .cccdBarcode, number: resident.pin!.digits, issuedOn: issued,
                issuedBy: "Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư",
                expiresOn: CardValidity.expiry(birthDate: birth, issuedOn: issued, law: .citizenIdentification2014)))
        default:
            break
        }
    }

    /// A date in [from, to] on which the person was at least 14.
    private mutating func randomDate(from: LocalDate, to: LocalDate, age: Int) -> LocalDate {
        let fourteen = referenceDate.adding(days: -(age - 14) * 365)
        let start = max(from, fourteen)
        guard start < to else { return to }
        return start.adding(days: Int.random(in: 0...(to.dayNumber - start.dayNumber), using: &random))
    }

    private mutating func nextOldId() -> String {
        // Thanh Hóa's 9-digit identity cards start with 17; other provinces get a synthetic prefix.
        let prefix = provinceCode == "38" ? 17 : 10 + (Int(provinceCode) ?? 0) % 90
        while true {
            let number = prefix * 10_000_000 + Int.random(in: 0..<10_000_000, using: &random)
            if usedOldIds.insert(number).inserted { return String(number) }
        }
    }

    private mutating func nextPIN(_ bucket: PINBucket) -> PIN {
        while true {
            let serial = Int.random(in: 0..<PINBucket.serialCount, using: &random)
            if usedSerials[bucket.prefix, default: []].insert(serial).inserted {
                return PIN(bucket: bucket, serial: serial)
            }
        }
    }

    // MARK: Names, places, ethnic groups

    private mutating func pickEthnicity(commune: AdminUnit) -> Ethnicity {
        let code: String
        if mountainDistricts.contains(commune.parentCode ?? "") {
            code = random.pick(WeightedTable([("01", 0.36), ("06", 0.33), ("03", 0.26), ("08", 0.02), ("09", 0.01), ("29", 0.01), ("24", 0.01)]))
        } else if provinceCode == "38" {
            code = random.pick(WeightedTable([("01", 0.97), ("06", 0.02), ("03", 0.01)]))
        } else {
            code = "01"
        }
        return Ethnicity.named(code: code)!
    }

    private mutating func pickSurname(_ ethnicity: Ethnicity) -> String {
        switch ethnicity.code {
        case "06": random.pick(names.table("surname_muong"))
        case "03": random.pick(names.table("surname_thai"))
        default: random.pick(names.table("surname"))
        }
    }

    private mutating func pickReligion() -> String {
        random.pick(WeightedTable([("Không", 0.90), ("Phật giáo", 0.06), ("Công giáo", 0.04)]))
    }

    private mutating func phoneNumber() -> String {
        let prefix = ["09", "03", "08", "07"].randomElement(using: &random)!
        return prefix + Digits.padded(Int.random(in: 0..<100_000_000, using: &random), 8)
    }

    private mutating func street(in commune: AdminUnit) -> String {
        switch commune.type {
        case .phuong:
            let streets = ["Lê Lợi", "Trần Phú", "Quang Trung", "Bà Triệu", "Lê Hoàn", "Hàm Nghi", "Nguyễn Trãi", "Tống Duy Tân", "Phan Chu Trinh", "Lý Thường Kiệt"]
            return "Số \(Int.random(in: 1...250, using: &random)), đường \(streets.randomElement(using: &random)!)"
        case .thiTran:
            return "Tiểu khu \(Int.random(in: 1...12, using: &random))"
        default:
            return "Thôn \(Int.random(in: 1...15, using: &random))"
        }
    }

    /// Thanh Hóa's mountain districts (11 of 26), where Mường and Thái live.
    public static func thanhHoaMountainDistricts(_ catalog: AdminUnitCatalog) -> Set<String> {
        let names: Set<String> = ["muong lat", "quan hoa", "quan son", "ba thuoc", "lang chanh", "thuong xuan", "nhu xuan", "nhu thanh", "cam thuy", "ngoc lac", "thach thanh"]
        return Set(catalog.children(of: UnitRef(edition: .threeLevel, code: "38")).filter { unit in
            let folded = VietnameseText.fold(unit.name)
            return names.contains { folded.hasSuffix(" " + $0) }
        }.map(\.code))
    }
}

public enum GeneratorError: Error, CustomStringConvertible {
    case unknownProvince(String)

    public var description: String {
        switch self {
        case .unknownProvince(let code): "'\(code)' is not a province code"
        }
    }
}
