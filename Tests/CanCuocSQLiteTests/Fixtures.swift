import CanCuocCore

enum Fixtures {
    static func resident(_ name: String) -> Resident {
        Resident(provinceCode: "38", fullName: name, birthDate: try! PartialDate(iso: "1990-05-12"), sex: .female,
                 permanentResidence: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "Thôn 1"))
    }
}
