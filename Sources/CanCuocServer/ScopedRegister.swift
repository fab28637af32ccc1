import CanCuocCore
import CanCuocStore
import Foundation

/// The register as one account may see it: records outside its jurisdiction are answered exactly as
/// records that do not exist (nil, empty pages), never as "forbidden".
struct ScopedRegister: Sendable {
    let store: any RegisterStore
    let jurisdiction: Jurisdiction

    func resident(id: ResidentID) async throws -> VersionedResident? {
        visible(try await store.residents.resident(id: id))
    }

    func resident(pin: PIN) async throws -> VersionedResident? {
        visible(try await store.residents.resident(pin: pin))
    }

    /// Every version, newest first; empty when the record (judged by its newest version, so a deleted
    /// record stays where it was) is outside.
    func history(id: ResidentID) async throws -> [VersionedResident] {
        let versions = try await store.residents.history(id: id)
        guard let newest = versions.first, jurisdiction.contains(newest.resident) else { return [] }
        return versions
    }

    /// A past state, shown only when the record as it is now (or was last) lies inside.
    func resident(id: ResidentID, asOf at: Date) async throws -> VersionedResident? {
        guard try await !history(id: id).isEmpty else { return nil }
        return try await store.residents.resident(id: id, asOf: at)
    }

    /// Narrows the query to the jurisdiction. Searches by PIN or old ID (a handful of rows) are filtered
    /// after the look-up; the others carry the restriction into the store's query.
    func search(_ query: ResidentQuery) async throws -> Page<VersionedResident> {
        if query.pin != nil || query.oldIdNumber != nil {
            let page = try await store.residents.search(query)
            return Page(items: page.items.filter { jurisdiction.contains($0.resident) }, page: page.page, perPage: page.perPage, hasMore: page.hasMore)
        }
        return try await store.residents.search(restricted(query))
    }

    /// How many records of the area match (all of them for an empty query): counts only, for overviews.
    func count(_ query: ResidentQuery = ResidentQuery()) async throws -> Int {
        try await store.residents.count(restricted(query))
    }

    func restricted(_ query: ResidentQuery) -> ResidentQuery {
        var restricted = query
        switch jurisdiction.scope {
        case .provinces(let codes):
            restricted.provinceCodes = codes
        case .communes(let allowed):
            restricted.communes = query.communes.map { $0.filter(allowed.contains) } ?? allowed.sorted { $0.description < $1.description }
        }
        return restricted
    }

    func household(id: HouseholdID) async throws -> (Household, [VersionedResident])? {
        guard let household = try await store.households.household(id: id),
              jurisdiction.contains(unit: household.address.unit, provinceCode: household.provinceCode) else { return nil }
        return (household, try await store.households.members(of: id))
    }

    func visible(_ record: VersionedResident?) -> VersionedResident? {
        guard let record, jurisdiction.contains(record.resident) else { return nil }
        return record
    }
}

extension AppRequestContext {
    /// The register as the signed-in account may see it, after checking `permission`.
    func register(_ store: any RegisterStore, for permission: Permission) throws -> (ScopedRegister, Identity) {
        let identity = try require(permission)
        return (ScopedRegister(store: store, jurisdiction: identity.jurisdiction), identity)
    }
}
