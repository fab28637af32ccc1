import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// The same population on every backend must read back, export and search identically.
@Suite struct CrossBackendTests {
    static let queries: [ResidentQuery] = [
        ResidentQuery(name: "nguyen van"),
        ResidentQuery(name: "Lê Thị", perPage: 50),
        ResidentQuery(name: "nguyen", page: 3, perPage: 7),
        ResidentQuery(birthDate: try! PartialDate(iso: "1990")),
        ResidentQuery(name: "tran", birthDate: try! PartialDate(iso: "1985")),
        ResidentQuery(communes: [UnitRef(edition: .threeLevel, code: "14971"), UnitRef(edition: .threeLevel, code: "14974")]),
        ResidentQuery(name: "thi", communes: [UnitRef(edition: .threeLevel, code: "15925")]),
        ResidentQuery(name: "không có ai tên này"),
    ]

    @Test func seededRegistersExportAndSearchAlike() async throws {
        var exports: [Backend: String] = [:]
        var answers: [Backend: [[String]]] = [:]
        for backend in Backend.allCases {
            let store = try await backend.open()
            _ = try await PopulationSeeder(store: store).run(provinceCode: "38", people: 3_000, seed: 5)
            var csv = ResidentCSV.header
            try await store.bulk.forEachResident(pageSize: 500) { page in for resident in page { csv += ResidentCSV.row(resident) } }
            exports[backend] = csv
            var results: [[String]] = []
            for query in Self.queries {
                let page = try await store.residents.search(query)
                results.append(page.items.map { $0.resident.pin!.digits } + ["more: \(page.hasMore)"])
            }
            // The PIN lookup and the household listing too.
            let someone = try await store.residents.search(ResidentQuery(name: "nguyen", perPage: 1)).items[0].resident
            let found = try await store.residents.resident(pin: someone.pin!)
            results.append([found?.resident.fullName ?? "missing"])
            let members = try await store.households.members(of: someone.householdId!)
            results.append(members.map { $0.resident.pin!.digits })
            answers[backend] = results
        }
        let reference = Backend.sqliteMemory
        #expect(answers[reference]!.dropLast(2).contains { $0.count > 2 }, "the queries must find people")
        for backend in Backend.allCases where backend != reference {
            #expect(exports[backend] == exports[reference], "\(backend) exports differently")
            for (index, query) in Self.queries.enumerated() {
                #expect(answers[backend]![index] == answers[reference]![index], "\(backend) answers \(query) differently")
            }
            #expect(answers[backend]!.suffix(2) == answers[reference]!.suffix(2))
        }
    }
}
