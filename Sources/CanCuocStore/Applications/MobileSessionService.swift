import CanCuocCore
import Foundation

/// Planning and running mobile sessions: the plan is checked (dates, shifts, machines, the place's commune, the
/// officers' accounts), then the session is opened and closed; residents are invited by PIN.
public struct MobileSessionService: Sendable {
    public let store: any RegisterStore
    public let catalog: AdminUnitCatalog
    public let clock: @Sendable () -> Date

    public init(store: any RegisterStore, catalog: AdminUnitCatalog = .shared, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
    }

    public func plan(_ session: MobileSession) async throws -> MobileSession {
        var problems = session.problems
        if catalog.unit(session.commune)?.level != .commune { problems.append("\(session.commune.code) is not a commune") }
        for officer in session.officers where try await store.accounts.account(username: officer) == nil {
            problems.append("no account '\(officer)'")
        }
        guard problems.isEmpty else { throw SessionError.invalid(problems) }
        var planned = session
        planned.state = .planned
        planned.createdAt = clock()
        planned.updatedAt = planned.createdAt
        return try await store.sessions.create(planned)
    }

    public func open(_ id: Int64) async throws -> MobileSession {
        try await store.sessions.setState(id: id, from: .planned, to: .open, at: clock())
    }

    public func close(_ id: Int64) async throws -> MobileSession {
        try await store.sessions.setState(id: id, from: .open, to: .closed, at: clock())
    }

    /// Invites the residents with these PINs; returns (invited now, PINs not found).
    public func invite(_ id: Int64, pins: [PIN]) async throws -> (added: Int, unknown: [String]) {
        guard let session = try await store.sessions.session(id: id) else { throw SessionError.notFound(id) }
        var residents: [ResidentID] = [], unknown: [String] = []
        for pin in pins {
            if let record = try await store.residents.resident(pin: pin) { residents.append(record.resident.id) } else { unknown.append(pin.digits) }
        }
        return (try await store.sessions.invite(sessionID: id, provinceCode: session.provinceCode, residents: residents), unknown)
    }
}
