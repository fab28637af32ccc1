import CanCuocCore
import CanCuocStore

/// Card applications as one account may see them: those of residents of its area (by the residence commune
/// recorded at intake, or the whole province for a province-wide account). Others are answered exactly as
/// applications that do not exist.
struct ScopedApplications: Sendable {
    let store: any RegisterStore
    let jurisdiction: Jurisdiction

    func application(id: Int64) async throws -> ApplicationRecord? {
        visible(try await store.applications.application(id: id))
    }

    func visible(_ application: ApplicationRecord?) -> ApplicationRecord? {
        guard let application else { return nil }
        switch jurisdiction.scope {
        case .provinces(let codes): return codes.contains(application.provinceCode) ? application : nil
        case .communes(let communes): return application.commune.map(communes.contains) == true ? application : nil
        }
    }

    func restricted(_ query: ApplicationQuery) -> ApplicationQuery {
        var restricted = query
        switch jurisdiction.scope {
        case .provinces(let codes):
            restricted.provinceCodes = query.provinceCodes.map { $0.intersection(codes) } ?? codes
            // A chosen district or commune of another province's list stays empty: its communes are kept only
            // when the province keeps them (by the province code above).
        case .communes(let allowed):
            restricted.communes = query.communes.map { $0.filter(allowed.contains) } ?? allowed.sorted { $0.description < $1.description }
        }
        return restricted
    }

    /// A queue's page and its tabs: how many applications of the same area and filters are in each open state.
    func queue(_ query: ApplicationQuery) async throws -> (page: Page<ApplicationRecord>, counts: [ApplicationState: Int]) {
        let listed = restricted(query)
        var tabs = listed
        tabs.states = []
        async let page = store.applications.queue(listed)
        async let counts = store.applications.counts(tabs)
        return try await (page, counts)
    }
}

extension AppRequestContext {
    /// The applications the signed-in account may see, once it holds one of `permissions`.
    func applications(_ store: any RegisterStore, anyOf permissions: Set<Permission>) throws -> (ScopedApplications, Identity) {
        let identity = try require(anyOf: permissions)
        return (ScopedApplications(store: store, jurisdiction: identity.jurisdiction), identity)
    }
}
