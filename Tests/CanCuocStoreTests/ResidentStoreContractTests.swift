import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// The store contract: the same suite on every backend.
@Suite struct ResidentStoreContractTests {
    @Test(arguments: Backend.allCases)
    func createAllocatesAPINMatchingTheRecord(backend: Backend) async throws {
        let clock = TestClock()
        let service = RegisterService(store: try await backend.open(clock: clock.function), clock: clock.function)
        let created = try await service.create(Fixtures.resident(birth: "2003-04-15", sex: .female), actor: "officer1", reason: "khai sinh")
        let pin = try #require(created.record.resident.pin)
        #expect(pin.provinceCode == "038")
        #expect(pin.sex == .female)
        #expect(pin.birthYear == 2003)
        #expect(created.record.version.number == 1)
        #expect(created.record.version.recordedBy == "officer1")
        let byPIN = try await service.store.residents.resident(pin: pin)
        #expect(byPIN?.resident == created.record.resident)
        #expect(try await service.store.pins.issuedCount(pin.bucket) == 1)
    }

    @Test(arguments: Backend.allCases)
    func everyChangeIsAVersionAndPastStatesReadBack(backend: Backend) async throws {
        let clock = TestClock()
        let service = RegisterService(store: try await backend.open(clock: clock.function), clock: clock.function)
        clock.set("2021-01-05T03:00:00Z")
        let id = try await service.create(Fixtures.resident(), actor: "a", reason: "nhập dữ liệu").record.resident.id
        clock.set("2021-02-10T03:00:00Z")
        _ = try await service.correct(id: id, patch: ["full_name": "Nguyễn Văn Ân"], expectedVersion: 1, actor: "b", reason: "sửa tên theo giấy khai sinh")
        clock.set("2021-03-01T03:00:00Z")
        _ = try await service.correct(id: id, patch: ["phone": "0912345678"], expectedVersion: nil, actor: "c", reason: "bổ sung số điện thoại")

        let history = try await service.store.residents.history(id: id)
        #expect(history.map(\.version.number) == [3, 2, 1])
        #expect(history.map(\.version.recordedBy) == ["c", "b", "a"])
        #expect(history.map(\.resident.fullName) == ["Nguyễn Văn Ân", "Nguyễn Văn Ân", "Nguyễn Văn An"])

        let asOf = { (day: String) in try await service.store.residents.resident(id: id, asOf: try LocalDate(iso: day).endInstant) }
        #expect(try await asOf("2021-01-04") == nil)
        #expect(try await asOf("2021-02-09")?.resident.fullName == "Nguyễn Văn An")
        #expect(try await asOf("2021-02-10")?.resident.fullName == "Nguyễn Văn Ân")
        #expect(try await asOf("2021-02-10")?.resident.phone == nil)
        #expect(try await asOf("2026-01-01")?.version.number == 3)
    }

    @Test(arguments: Backend.allCases)
    func staleCorrectionsAndBadInputLeaveNothingWritten(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let id = try await service.create(Fixtures.resident(), actor: "a", reason: "r").record.resident.id
        _ = try await service.correct(id: id, patch: ["religion": "Phật giáo"], expectedVersion: 1, actor: "a", reason: "r2")
        await #expect(throws: StoreError.versionConflict(expected: 1, actual: 2)) {
            try await service.correct(id: id, patch: ["religion": "Công giáo"], expectedVersion: 1, actor: "b", reason: "r3")
        }
        await #expect(throws: StoreError.self) {
            try await service.correct(id: id, patch: ["religion": "Công giáo"], expectedVersion: nil, actor: "b", reason: "  ")
        }
        await #expect(throws: StoreError.self) {
            try await service.correct(id: id, patch: ["birth_date": "2021-02-30"], expectedVersion: nil, actor: "b", reason: "x")
        }
        await #expect(throws: StoreError.self) {
            try await service.correct(id: id, patch: ["ethnicity_code": "99"], expectedVersion: nil, actor: "b", reason: "x")
        }
        await #expect(throws: StoreError.self) {
            try await service.correct(id: id, patch: ["pin": "038090123456"], expectedVersion: nil, actor: "b", reason: "x")
        }
        await #expect(throws: StoreError.notFound) {
            try await service.correct(id: 9_999, patch: ["religion": "x"], expectedVersion: nil, actor: "b", reason: "x")
        }
        let history = try await service.store.residents.history(id: id)
        #expect(history.count == 2)
        #expect(history[0].resident.religion == "Phật giáo")
    }

    @Test(arguments: Backend.allCases)
    func duplicatesAreRefused(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        _ = try await service.create(Fixtures.resident(pin: "038090000001", oldId: "172000001"), actor: "a", reason: "r")
        await #expect(throws: StoreError.duplicatePIN("038090000001")) {
            try await service.create(Fixtures.resident(pin: "038090000001"), actor: "a", reason: "r")
        }
        await #expect(throws: StoreError.duplicateOldID) {
            try await service.create(Fixtures.resident(oldId: "172000001"), actor: "a", reason: "r")
        }
        #expect(try await service.store.residents.count() == 1)
    }

    @Test(arguments: Backend.allCases)
    func reestablishedAndDeletedPINsAreNeverReissued(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let created = try await service.create(Fixtures.resident(birth: "1990-05-12", pin: "038090000007"), actor: "a", reason: "r").record
        let updated = try await service.reestablishPIN(id: created.resident.id, sex: .female, birthDate: nil, birthRegistrationProvince: nil,
                                                       expectedVersion: 1, actor: "a", reason: "xác định lại giới tính")
        let newPIN = try #require(updated.resident.pin)
        #expect(newPIN != created.resident.pin)
        #expect(newPIN.sex == .female && newPIN.birthYear == 1990 && newPIN.provinceCode == "038")
        #expect(try await service.store.residents.currentPIN(for: try PIN("038090000007")) == newPIN)
        #expect(try await service.store.residents.resident(pin: try PIN("038090000007")) == nil)
        // The cancelled PIN cannot be given to anyone.
        await #expect(throws: StoreError.self) {
            try await service.create(Fixtures.resident(pin: "038090000007"), actor: "a", reason: "r")
        }
        // Nor can a deleted record's PIN.
        try await service.delete(id: created.resident.id, actor: "a", reason: "bản ghi trùng")
        #expect(try await service.store.residents.resident(id: created.resident.id) == nil)
        #expect(try await service.store.residents.history(id: created.resident.id).count == 2)
        await #expect(throws: StoreError.self) {
            try await service.create(Fixtures.resident(sex: .female, pin: newPIN.digits), actor: "a", reason: "r")
        }
        // Re-establishment needs a reason of the law.
        let other = try await service.create(Fixtures.resident(), actor: "a", reason: "r").record
        await #expect(throws: StoreError.self) {
            try await service.reestablishPIN(id: other.resident.id, sex: nil, birthDate: nil, birthRegistrationProvince: nil, expectedVersion: nil, actor: "a", reason: "muốn số đẹp")
        }
    }

    @Test(arguments: Backend.allCases)
    func searchesByEveryCriterion(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let other = UnitRef(edition: .threeLevel, code: AdminUnitCatalog.shared.communes(under: UnitRef(edition: .threeLevel, code: "380")).first!.code)
        let a = try await service.create(Fixtures.resident("Nguyễn Văn An", birth: "1990-05-12", oldId: "172000002"), actor: "a", reason: "r").record.resident
        _ = try await service.create(Fixtures.resident("Nguyễn Thị Ánh", birth: "1990-07-01", sex: .female, commune: other), actor: "a", reason: "r")
        _ = try await service.create(Fixtures.resident("Trần Văn An", birth: "1985"), actor: "a", reason: "r")
        let residents = service.store.residents
        func names(_ query: ResidentQuery) async throws -> [String] { try await residents.search(query).items.map(\.resident.fullName) }
        #expect(try await names(ResidentQuery(name: "nguyen van an")) == ["Nguyễn Văn An"])
        #expect(try await names(ResidentQuery(name: "AN VĂN")) == ["Nguyễn Văn An", "Trần Văn An"])
        #expect(try await names(ResidentQuery(name: "anh")) == ["Nguyễn Thị Ánh"])
        #expect(try await names(ResidentQuery(name: "nguyen", birthDate: try PartialDate(iso: "1990-07"))) == ["Nguyễn Thị Ánh"])
        #expect(try await names(ResidentQuery(birthDate: try PartialDate(iso: "1990"))).count == 2)
        #expect(try await names(ResidentQuery(pin: a.pin)) == ["Nguyễn Văn An"])
        #expect(try await names(ResidentQuery(oldIdNumber: "172000002")) == ["Nguyễn Văn An"])
        #expect(try await names(ResidentQuery(communes: [other])) == ["Nguyễn Thị Ánh"])
        #expect(try await names(ResidentQuery(communes: [])) == [])
        let page1 = try await residents.search(ResidentQuery(name: "an", page: 1, perPage: 1))
        let page2 = try await residents.search(ResidentQuery(name: "an", page: 2, perPage: 1))
        #expect(page1.hasMore && !page2.hasMore)
        #expect(page1.items[0].resident.id < page2.items[0].resident.id)
    }

    @Test(arguments: Backend.allCases)
    func householdsListTheirMembersHeadFirst(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let household = try await service.store.households.create(Household(provinceCode: "38", address: Address(unit: Fixtures.commune, street: "Thôn 2")))
        var child = Fixtures.resident("Lê Văn Con", birth: "2010-01-01")
        child.householdId = household.id
        child.relationToHead = .child
        var head = Fixtures.resident("Lê Văn Cha", birth: "1980-01-01")
        head.householdId = household.id
        head.relationToHead = .head
        _ = try await service.create(child, actor: "a", reason: "r")
        _ = try await service.create(head, actor: "a", reason: "r")
        let members = try await service.store.households.members(of: household.id)
        #expect(members.map(\.resident.fullName) == ["Lê Văn Cha", "Lê Văn Con"])
        var orphan = Fixtures.resident()
        orphan.householdId = 999
        orphan.relationToHead = .child
        await #expect(throws: StoreError.unknownHousehold(999)) { try await service.create(orphan, actor: "a", reason: "r") }
    }
}
