extension Resident {
    /// snake_case, the one JSON form of a record: API, stored snapshots and merge patches alike.
    enum CodingKeys: String, CodingKey {
        case id, pin, sex, hometown, religion, nationality, documents, father, mother, spouse, children, phone, email
        case provinceCode = "province_code", fullName = "full_name", otherNames = "other_names", birthDate = "birth_date"
        case placeOfBirth = "place_of_birth", birthRegistrationPlace = "birth_registration_place"
        case birthRegisteredAbroad = "birth_registered_abroad", ethnicityCode = "ethnicity_code", bloodType = "blood_type"
        case oldIdNumber = "old_id_number", legalRepresentative = "legal_representative", maritalStatus = "marital_status"
        case permanentResidence = "permanent_residence", temporaryResidence = "temporary_residence"
        case temporaryAbsence = "temporary_absence", currentResidence = "current_residence", householdId = "household_id"
        case relationToHead = "relation_to_head", deathDate = "death_date", missingSince = "missing_since"
    }

    /// Decodes a record, with the defaults a new record from a client may leave out: no id yet,
    /// empty lists, religion "Không", nationality "Việt Nam", birth registered in Viet Nam.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(ResidentID.self, forKey: .id) ?? 0,
            provinceCode: try c.decode(String.self, forKey: .provinceCode),
            pin: try c.decodeIfPresent(PIN.self, forKey: .pin),
            fullName: try c.decode(String.self, forKey: .fullName),
            otherNames: try c.decodeIfPresent([String].self, forKey: .otherNames) ?? [],
            birthDate: try c.decode(PartialDate.self, forKey: .birthDate),
            sex: try c.decode(Sex.self, forKey: .sex),
            placeOfBirth: try c.decodeIfPresent(Place.self, forKey: .placeOfBirth),
            birthRegistrationPlace: try c.decodeIfPresent(Place.self, forKey: .birthRegistrationPlace),
            birthRegisteredAbroad: try c.decodeIfPresent(Bool.self, forKey: .birthRegisteredAbroad) ?? false,
            hometown: try c.decodeIfPresent(Place.self, forKey: .hometown),
            ethnicityCode: try c.decode(String.self, forKey: .ethnicityCode),
            religion: try c.decodeIfPresent(String.self, forKey: .religion) ?? "Không",
            nationality: try c.decodeIfPresent(String.self, forKey: .nationality) ?? "Việt Nam",
            bloodType: try c.decodeIfPresent(BloodType.self, forKey: .bloodType),
            oldIdNumber: try c.decodeIfPresent(String.self, forKey: .oldIdNumber),
            documents: try c.decodeIfPresent([IdentityDocument].self, forKey: .documents) ?? [],
            father: try c.decodeIfPresent(PersonLink.self, forKey: .father),
            mother: try c.decodeIfPresent(PersonLink.self, forKey: .mother),
            spouse: try c.decodeIfPresent(PersonLink.self, forKey: .spouse),
            children: try c.decodeIfPresent([PersonLink].self, forKey: .children) ?? [],
            legalRepresentative: try c.decodeIfPresent(PersonLink.self, forKey: .legalRepresentative),
            maritalStatus: try c.decodeIfPresent(MaritalStatus.self, forKey: .maritalStatus),
            permanentResidence: try c.decodeIfPresent(Address.self, forKey: .permanentResidence),
            temporaryResidence: try c.decodeIfPresent(Address.self, forKey: .temporaryResidence),
            temporaryAbsence: try c.decodeIfPresent(TemporaryAbsence.self, forKey: .temporaryAbsence),
            currentResidence: try c.decodeIfPresent(Address.self, forKey: .currentResidence),
            householdId: try c.decodeIfPresent(HouseholdID.self, forKey: .householdId),
            relationToHead: try c.decodeIfPresent(HouseholdRelation.self, forKey: .relationToHead),
            deathDate: try c.decodeIfPresent(PartialDate.self, forKey: .deathDate),
            missingSince: try c.decodeIfPresent(PartialDate.self, forKey: .missingSince),
            phone: try c.decodeIfPresent(String.self, forKey: .phone),
            email: try c.decodeIfPresent(String.self, forKey: .email))
    }
}
