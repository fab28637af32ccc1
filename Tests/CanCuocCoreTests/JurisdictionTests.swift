import CanCuocCore
import Testing

@Suite struct JurisdictionTests {
    let catalog = AdminUnitCatalog.shared

    func resident(province: String = "38", commune: UnitRef?) -> Resident {
        Resident(provinceCode: province, fullName: "Lê Văn Bình", birthDate: try! PartialDate(iso: "1980"), sex: .male,
                 permanentResidence: commune.map { Address(unit: $0) })
    }

    @Test func everyRoleHasTheMatrixPermissions() {
        #expect(Role.agency.permissions == [.verifyResidents])
        #expect(!Role.leader.can(.readResidents) && Role.leader.can(.readReports))
        #expect(!Role.admin.can(.readResidents) && Role.admin.can(.manageAccounts))
        #expect(Role.communeOfficer.can(.writeResidents) && !Role.approver.can(.writeResidents))
        #expect(Role.allCases.filter(\.requiresSecondFactor) == [.provinceOfficer, .approver, .admin])
    }

    @Test func aDistrictSeesItsCommunesInBothTrees() throws {
        let district = try Jurisdiction(unit: UnitRef(edition: .threeLevel, code: "399"), catalog: catalog)
        let butSon = UnitRef(edition: .threeLevel, code: "15865")
        #expect(district.contains(resident(commune: butSon)))
        // The same place written against the two-level tree (Xã Hoằng Hóa took Bút Sơn whole).
        #expect(district.contains(resident(commune: UnitRef(edition: .twoLevel, code: "15865"))))
        // A commune of another district, and a record with no permanent residence.
        let elsewhere = catalog.communes(under: UnitRef(edition: .threeLevel, code: "380")).first!.reference
        #expect(!district.contains(resident(commune: elsewhere)))
        #expect(!district.contains(resident(commune: nil)))
    }

    @Test func aNewCommuneSeesTheOldCommunesItWasMadeOf() throws {
        let commune = try Jurisdiction(unit: UnitRef(edition: .twoLevel, code: "15865"), catalog: catalog)
        for old in catalog.reformSources["15865"] ?? [] {
            #expect(commune.contains(resident(commune: UnitRef(edition: .threeLevel, code: old.oldCode))))
        }
        let sources = Set((catalog.reformSources["15865"] ?? []).map(\.oldCode))
        #expect(sources.count >= 2)
        // A neighbouring old commune that went elsewhere stays outside.
        let neighbour = try #require(catalog.communes(under: UnitRef(edition: .threeLevel, code: "399")).first { !sources.contains($0.code) })
        #expect(!commune.contains(resident(commune: neighbour.reference)))
    }

    @Test func aProvinceSeesTheRecordsItKeeps() throws {
        let province = try Jurisdiction(unit: UnitRef(edition: .twoLevel, code: "38"), catalog: catalog)
        #expect(province.isProvinceWide)
        #expect(province.contains(resident(commune: nil)))
        #expect(!province.contains(resident(province: "01", commune: nil)))
        #expect(throws: JurisdictionError.unknownUnit(UnitRef(edition: .twoLevel, code: "99999"))) {
            try Jurisdiction(unit: UnitRef(edition: .twoLevel, code: "99999"), catalog: catalog)
        }
    }

    @Test func aMergedProvinceKeepsTheRecordsOfTheProvincesMergedIntoIt() throws {
        // Tuyên Quang (08) took in Hà Giang (02) on 2025-07-01.
        let merged = try Jurisdiction(unit: UnitRef(edition: .twoLevel, code: "08"), catalog: catalog)
        #expect(merged.contains(resident(province: "02", commune: nil)))
        #expect(merged.contains(resident(province: "08", commune: nil)))
        #expect(!merged.contains(resident(province: "38", commune: nil)))
    }
}
