import CanCuocCore
import CanCuocStore
import Foundation
import Testing

@Suite struct ImportExportTests {
    static func write(_ rows: [[String: String]]) throws -> URL {
        var text = ResidentCSV.header
        for row in rows { text += CSVWriter.row(ResidentCSV.columns.map { row[$0] ?? "" }) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    static func good(_ name: String, pin: String = "", birth: String = "1990-05-12", sex: String = "male", old: String = "") -> [String: String] {
        ["pin": pin, "full_name": name, "birth_date": birth, "sex": sex, "ethnicity_code": "01", "permanent_unit": "14971",
         "permanent_street": "Thôn 4", "province_code": "38", "old_id_number": old, "unit_edition": "2025-01"]
    }

    @Test(arguments: Backend.allCases)
    func everyBadRowIsReportedWithItsLineAndNothingIsImported(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        _ = try await service.create(Fixtures.resident(pin: "038090000099", oldId: "172999999"), actor: "a", reason: "r")
        var unknownUnit = Self.good("Bad Unit"); unknownUnit["permanent_unit"] = "99999"
        var missingName = Self.good(""); missingName["full_name"] = ""
        let rows: [[String: String]] = [
            Self.good("Người Tốt", pin: "038090000001"),                       // line 2: fine
            unknownUnit,                                                        // 3: unknown unit
            Self.good("Ngày Sai", birth: "1990-02-30"),                        // 4: impossible date
            Self.good("Ngày Lạ", birth: "12/05/1990"),                          // 5: malformed date
            Self.good("Số Sai", pin: "03809000001"),                           // 6: invalid PIN (11 digits)
            Self.good("Giới Sai", pin: "038190000002"),                        // 7: PIN says female, record male
            Self.good("Trùng Tệp", pin: "038090000001"),                       // 8: duplicate PIN within the file
            Self.good("Trùng Sổ", pin: "038090000099"),                        // 9: PIN already in the register
            missingName,                                                        // 10: missing required field
            Self.good("Trùng CMND", old: "172999999"),                         // 11: old ID already in the register
        ]
        let file = try Self.write(rows)
        let report = try await ResidentImporter(service: service).run(file: file, skipInvalid: false, actor: "t")
        #expect(report.imported == 0)
        #expect(report.rejected.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10, 11])
        let reasons = Dictionary(uniqueKeysWithValues: report.rejected.map { ($0.line, $0.reason) })
        #expect(reasons[3]!.contains("99999"))
        #expect(reasons[4]!.contains("does not exist"))
        #expect(reasons[5]!.contains("not a date"))
        #expect(reasons[6]!.contains("12 digits"))
        #expect(reasons[7]!.contains("female"))
        #expect(reasons[8]!.contains("line 2"))
        #expect(reasons[9]!.contains("already been issued"))
        #expect(reasons[10]!.contains("full_name"))
        #expect(reasons[11]!.contains("old_id_number"))
        #expect(try await service.store.residents.count() == 1)
    }

    /// Rows go through in batches of 2,000 while the load runs: a bad row in a later batch still leaves
    /// nothing behind, every bad row is reported with its own fields, and with `skipInvalid` the rest load.
    @Test(arguments: Backend.allCases)
    func badRowsInLaterBatchesLeaveNothingAndAreReportedWithTheirFields(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        _ = try await service.create(Fixtures.resident(pin: "038090000099", oldId: "172999999"), actor: "a", reason: "r")
        var rows = (0..<4_500).map { index in Self.good(index % 2 == 0 ? "Người Tốt" : "Người Hiền", birth: "19\(50 + index % 40)-05-12") }
        rows[2_100]["birth_date"] = "1990-13-01"                // form: no such month (line 2102)
        rows[3_000]["birth_date"] = "2990-01-01"                // rules: born in the future (line 3002)
        rows[4_400]["pin"] = "038090000099"                     // already issued in the register (line 4402)
        rows[4_400]["birth_date"] = "1990-05-12"
        let file = try Self.write(rows)
        let expectedFields = { (index: Int) in ResidentCSV.columns.map { rows[index][$0] ?? "" } }

        let report = try await ResidentImporter(service: service).run(file: file, skipInvalid: false, actor: "t")
        #expect(report.imported == 0)
        #expect(report.rejected.map(\.line) == [2_102, 3_002, 4_402])
        #expect(report.rejected.map(\.fields) == [expectedFields(2_100), expectedFields(3_000), expectedFields(4_400)])
        #expect(report.rejected[1].reason.contains("future"))
        #expect(report.rejected[2].reason.contains("already been issued"))
        #expect(try await service.store.residents.count() == 1)

        let loaded = try await ResidentImporter(service: service).run(file: file, skipInvalid: true, actor: "t")
        #expect(loaded.imported == 4_497)
        #expect(loaded.rejected.map(\.line) == [2_102, 3_002, 4_402])
        #expect(try await service.store.residents.count() == 4_498)
    }

    @Test(arguments: Backend.allCases)
    func skipInvalidLoadsTheGoodRows(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let file = try Self.write([Self.good("Một", pin: "038090000001"), Self.good("Hai", birth: "1990-13-01"), Self.good("Ba")])
        let report = try await ResidentImporter(service: service).run(file: file, skipInvalid: true, actor: "t")
        #expect(report.imported == 2)
        #expect(report.rejected.map(\.line) == [3])
        #expect(try await service.store.residents.count() == 2)
        // The row without a PIN got one allocated.
        let three = try await service.store.residents.search(ResidentQuery(name: "ba")).items
        #expect(three.first?.resident.pin?.birthYear == 1990)
    }

    @Test(arguments: Backend.allCases)
    func badHeaderStopsTheImport(backend: Backend) async throws {
        let service = RegisterService(store: try await backend.open())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("pin,full_name,shoe_size\n".utf8).write(to: url)
        await #expect(throws: ResidentCSVError.unknownColumn("shoe_size")) {
            try await ResidentImporter(service: service).run(file: url, skipInvalid: false, actor: "t")
        }
    }

    @Test(arguments: Backend.allCases)
    func exportThenImportRoundTrips(backend: Backend) async throws {
        let source = try await backend.open()
        let loaded = try await PopulationSeeder(store: source).run(provinceCode: "38", people: 1_500, seed: 11)
        #expect(loaded == 1_500)
        var csv = ResidentCSV.header
        var originals: [Resident] = []
        try await source.bulk.forEachResident(pageSize: 400) { page in
            originals += page
            for resident in page { csv += ResidentCSV.row(resident) }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(csv.utf8).write(to: url)

        let target = RegisterService(store: try await backend.open())
        let report = try await ResidentImporter(service: target).run(file: url, skipInvalid: false, actor: "t")
        #expect(report.rejected.isEmpty, "\(report.rejected.prefix(3).map(\.reason))")
        #expect(report.imported == 1_500)
        var copies: [Resident] = []
        try await target.store.bulk.forEachResident(pageSize: 400) { copies += $0 }
        // Same people, same households (ids are the register's own, so compare grouping).
        func comparable(_ r: Resident) -> Resident { var c = r; c.id = 0; c.householdId = nil; return c }
        #expect(copies.map(comparable) == originals.map(comparable))
        func grouping(_ list: [Resident]) -> [[String]] {
            Dictionary(grouping: list, by: { $0.householdId ?? -1 }).values.map { $0.map { $0.pin!.digits }.sorted() }.sorted { $0[0] < $1[0] }
        }
        #expect(grouping(copies) == grouping(originals))
    }
}
