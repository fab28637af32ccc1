import CanCuocCore
import CanCuocStore
import Foundation
import Testing

@Suite struct ResidentCountTests {
    /// Counts follow the same criteria and restrictions as searches, on every backend.
    @Test(arguments: Backend.allCases)
    func countsMatchTheSearchCriteria(backend: Backend) async throws {
        let store = try await backend.open()
        let context = ChangeContext(actor: "test", reason: "đếm", at: Date())
        let other = UnitRef(edition: .threeLevel, code: "14974")
        for (name, commune) in [("Nguyễn Văn An", Fixtures.commune), ("Nguyễn Thị Bình", Fixtures.commune), ("Lê Văn Cường", other)] {
            _ = try await store.residents.create(Fixtures.resident(name, commune: commune), context: context)
        }
        var hanoi = Fixtures.resident("Nguyễn Văn Dũng", commune: UnitRef(edition: .threeLevel, code: "00004"))
        hanoi.provinceCode = "01"
        _ = try await store.residents.create(hanoi, context: context)

        #expect(try await store.residents.count(ResidentQuery()) == 4)
        #expect(try await store.residents.count(ResidentQuery(provinceCodes: ["38"])) == 3)
        #expect(try await store.residents.count(ResidentQuery(communes: [Fixtures.commune])) == 2)
        #expect(try await store.residents.count(ResidentQuery(communes: [Fixtures.commune, other])) == 3)
        #expect(try await store.residents.count(ResidentQuery(name: "nguyen", provinceCodes: ["38"])) == 2)
        #expect(try await store.residents.count(ResidentQuery(communes: [])) == 0)
        #expect(try await store.residents.count(ResidentQuery(provinceCodes: [])) == 0)
    }
}
