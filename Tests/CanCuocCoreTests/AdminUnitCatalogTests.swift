import CanCuocCore
import Testing

@Suite struct AdminUnitCatalogTests {
    let catalog = AdminUnitCatalog.shared
    let thanhHoaOld = UnitRef(edition: .threeLevel, code: "38")
    let thanhHoaNew = UnitRef(edition: .twoLevel, code: "38")

    @Test func loadsBothEditions() {
        #expect(catalog.provinces(.threeLevel).count == 63)
        #expect(catalog.provinces(.twoLevel).count == 34)
        #expect(catalog.children(of: thanhHoaOld).count == 26)
        #expect(catalog.communes(under: thanhHoaOld).count == 549)
        #expect(catalog.communes(under: thanhHoaNew).count == 166)
        #expect(catalog.allUnits.filter { $0.edition == .twoLevel && $0.level == .commune }.count == 3321)
    }

    @Test func unitsHaveTypeLevelAndValidity() throws {
        let province = try #require(catalog.unit(thanhHoaOld))
        #expect(province.type == .tinh)
        #expect(province.validTo?.description == "2025-06-30")
        #expect(province.validFrom == nil)
        let hanoi = try #require(catalog.unit(UnitRef(edition: .threeLevel, code: "01")))
        #expect(hanoi.type == .thanhPhoTrungUong)
        let newProvince = try #require(catalog.unit(thanhHoaNew))
        #expect(newProvince.name == "Tỉnh Thanh Hóa")
        #expect(newProvince.validFrom?.description == "2025-07-01")
        let district = try #require(catalog.search("hoang hoa", edition: .threeLevel, level: .district).first)
        #expect(district.type == .huyen)
        #expect(district.parentCode == "38")
    }

    @Test func writesFullPathsAsPeopleDo() throws {
        let district = try #require(catalog.search("hoang hoa", edition: .threeLevel, level: .district).first)
        let commune = try #require(catalog.search("hoang trung", edition: .threeLevel, level: .commune, within: district.reference).first)
        #expect(catalog.fullPath(of: commune.reference) == "Xã Hoằng Trung, Huyện Hoằng Hóa, Tỉnh Thanh Hóa")
        // Hoằng Quang became a ward of Thanh Hóa city before 2025: the path follows the list.
        let ward = try #require(catalog.search("hoang quang", edition: .threeLevel, level: .commune, within: thanhHoaOld).first)
        #expect(catalog.fullPath(of: ward.reference) == "Phường Hoằng Quang, Thành phố Thanh Hóa, Tỉnh Thanh Hóa")
        #expect(catalog.isWithin(commune.reference, thanhHoaOld))
        #expect(catalog.ancestry(of: commune.reference).map(\.level) == [.commune, .district, .province])
    }

    @Test func searchesWithoutDiacritics() {
        let hits = catalog.search("hoang hoa", edition: .threeLevel)
        #expect(hits.contains { $0.name == "Huyện Hoằng Hóa" })
        #expect(hits.allSatisfy { VietnameseText.fold($0.name).contains("hoang hoa") })
        #expect(catalog.search("HOẰNG HÓA", edition: .threeLevel).map(\.code) == hits.map(\.code))
        #expect(catalog.search("zzzz", edition: .threeLevel).isEmpty)
    }

    @Test func treeAsOfADate() throws {
        #expect(AdminEdition.inForce(on: try LocalDate(iso: "2021-02-10")) == .threeLevel)
        #expect(AdminEdition.inForce(on: try LocalDate(iso: "2025-06-30")) == .threeLevel)
        #expect(AdminEdition.inForce(on: try LocalDate(iso: "2025-07-01")) == .twoLevel)
        #expect(catalog.unit(code: "380", on: try LocalDate(iso: "2021-01-01"))?.level == .district)
        #expect(catalog.unit(code: "380", on: try LocalDate(iso: "2025-07-01")) == nil)
    }

    @Test func reformMappingLinksOldAndNewCommunes() throws {
        let mapped = catalog.communes(under: thanhHoaOld).filter { catalog.reformTargets[$0.code] != nil }
        #expect(mapped.count == 533)
        for old in mapped.prefix(50) {
            for step in catalog.reformTargets[old.code]! {
                let target = try #require(catalog.unit(UnitRef(edition: .twoLevel, code: step.newCode)))
                #expect(target.level == .commune)
                #expect(catalog.reformSources[step.newCode]!.contains(step))
            }
        }
    }

    @Test func pinProvincesAreThe63OldCodes() {
        #expect(catalog.pinProvince(prefix: "038")?.name == "Tỉnh Thanh Hóa")
        #expect(catalog.pinProvince(prefix: "079")?.name == "Thành phố Hồ Chí Minh")
        #expect(catalog.pinProvince(prefix: "380") == nil)
        #expect(catalog.pinProvince(prefix: "38") == nil)
    }

    @Test func ethnicGroupsAreThe54() {
        #expect(Ethnicity.all.count == 54)
        #expect(Ethnicity.named(code: "01")?.name == "Kinh")
        #expect(Ethnicity.named(code: "06")?.name == "Mường")
        #expect(Ethnicity.named(code: "55") == nil)
    }
}
