import CanCuocCore
import Foundation
import Testing

/// The hand-written record writer must produce exactly what JSONEncoder produces from the Codable form.
@Suite struct ResidentJSONTests {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    func check(_ record: VersionedResident) throws {
        var mine = ""
        ResidentJSON.versioned(record, into: &mine)
        let reference = String(decoding: try Self.encoder().encode(record), as: UTF8.self)
        #expect(mine == reference)
    }

    @Test func agreesWithJSONEncoderOnAGeneratedPopulation() throws {
        var generator = try PopulationGenerator(provinceCode: "38", people: 2_000, seed: 99)
        var id: Int64 = 1
        while let next = generator.next() {
            for var member in next.members {
                member.id = id
                member.householdId = id % 3 == 0 ? nil : id
                id += 1
                let version = RecordVersion(number: Int(id % 4) + 1, recordedAt: Date(timeIntervalSince1970: 1_612_137_600 + Double(id) * 3_671.25),
                                            recordedBy: "seed", reason: "lý do \"\(id)\"")
                try check(VersionedResident(resident: member, version: version))
            }
        }
    }

    @Test func agreesOnUnusualRecords() throws {
        let resident = Resident(
            id: 42, provinceCode: "38", pin: try PIN("999193001234", bornAbroad: true), fullName: "A\tB\u{8}C\u{C}D\u{1}E\\F/G",
            otherNames: ["X", "Y\nZ"], birthDate: try PartialDate(iso: "1993-07"), sex: .female,
            placeOfBirth: Place(unit: nil, detail: "Viêng Chăn, Lào"), birthRegistrationPlace: Place(unit: nil, detail: "Lào"),
            birthRegisteredAbroad: true, hometown: Place(unit: UnitRef(edition: .twoLevel, code: "38"), detail: ""),
            ethnicityCode: "37", religion: "Phật giáo", nationality: "Việt Nam", bloodType: .abNeg, oldIdNumber: "172345678",
            documents: [IdentityDocument(kind: .theCanCuoc, number: "999193001234", issuedOn: try LocalDate(iso: "2024-08-01"), issuedBy: "Bộ Công an")],
            father: PersonLink(name: "Cha", oldIdNumber: "170000001", nationality: "Lào"),
            spouse: PersonLink(pin: try PIN("038090000001"), name: "Vợ/Chồng"),
            children: [PersonLink(name: "Con")], legalRepresentative: nil, maritalStatus: .married,
            permanentResidence: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "Số 1, \"ngõ\" 2"),
            temporaryResidence: Address(unit: UnitRef(edition: .twoLevel, code: "15853"), street: ""),
            temporaryAbsence: TemporaryAbsence(from: try LocalDate(iso: "2025-01-01"), until: nil, destination: "Hà Nội"),
            householdId: 7, relationToHead: .spouse, deathDate: try PartialDate(iso: "2026"), missingSince: try PartialDate(iso: "2025-12"),
            phone: "+84912345678", email: "a@b.vn")
        try check(VersionedResident(resident: resident, version: RecordVersion(number: 9, recordedAt: Date(timeIntervalSince1970: 0), recordedBy: "x", reason: "")))
    }
}
