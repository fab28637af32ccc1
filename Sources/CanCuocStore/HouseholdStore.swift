import CanCuocCore

public protocol HouseholdStore: Sendable {
    func create(_ household: Household) async throws -> Household
    func household(id: HouseholdID) async throws -> Household?
    /// Current members, the head first.
    func members(of id: HouseholdID) async throws -> [VersionedResident]
}
