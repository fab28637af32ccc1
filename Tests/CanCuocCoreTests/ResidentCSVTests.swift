import CanCuocCore
import Testing

@Suite struct ResidentCSVTests {
    let index = try! ResidentCSV.columnIndex(header: ResidentCSV.columns)

    func fields(of line: String) throws -> [String] {
        var result: [String] = []
        try CSVReader(data: Data(line.utf8)).forEachRecord { _, fields in result = fields }
        return result
    }

    @Test func rowRoundTrips() throws {
        var resident = Resident(
            provinceCode: "38", pin: try PIN("038193001234"), fullName: "Lê Thị Hoa", otherNames: ["Hoa Lê"],
            birthDate: try PartialDate(iso: "1993-07"), sex: .female, ethnicityCode: "06", bloodType: .ab,
            oldIdNumber: "172345678",
            documents: [IdentityDocument(kind: .cccdBarcode, number: "038193001234", issuedOn: try LocalDate(iso: "2018-03-01"), issuedBy: "Cục CS", expiresOn: try LocalDate(iso: "2033-07-01"))],
            father: PersonLink(pin: try PIN("038060001111"), name: "Lê Văn A"),
            mother: PersonLink(name: "Phạm Thị, \"B\"", oldIdNumber: "170000001"),
            permanentResidence: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "Thôn 3"),
            relationToHead: .child, phone: "0912345678")
        resident.householdId = 17
        let parsed = ResidentCSV.parse(try fields(of: ResidentCSV.row(resident)), index: index, columnCount: ResidentCSV.columns.count)
        let row = try parsed.get()
        #expect(row.householdCode == "17")
        var expected = resident
        expected.householdId = nil
        #expect(row.resident == expected)
    }

    @Test func headerProblemsAreReported() {
        #expect(throws: ResidentCSVError.missingColumn("sex")) {
            try ResidentCSV.columnIndex(header: ResidentCSV.columns.filter { $0 != "sex" })
        }
        #expect(throws: ResidentCSVError.unknownColumn("shoe_size")) {
            try ResidentCSV.columnIndex(header: ResidentCSV.columns + ["shoe_size"])
        }
    }
}

import Foundation
