/// A household (hộ gia đình) as the register keeps it since the paper household book was retired:
/// its address and head; the members are the residents whose record names the household.
public struct Household: Codable, Sendable, Hashable {
    public var id: HouseholdID
    public var provinceCode: String
    public var address: Address
    public var headId: ResidentID?

    enum CodingKeys: String, CodingKey {
        case id, address, provinceCode = "province_code", headId = "head_id"
    }

    public init(id: HouseholdID = 0, provinceCode: String, address: Address, headId: ResidentID? = nil) {
        self.id = id
        self.provinceCode = provinceCode
        self.address = address
        self.headId = headId
    }
}
