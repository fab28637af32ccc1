import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// Mobile sessions are kept alike on every backend.
@Suite struct SessionStoreContractTests {
    @Test(arguments: Backend.allCases)
    func sessionsRoundTrip(backend: Backend) async throws {
        let store = try await backend.open()
        let day = try LocalDate(iso: "2021-07-26")
        let session = MobileSession(provinceCode: "38", place: .enterprise, placeName: "Công ty giày Sao Vàng", commune: Fixtures.commune,
                                    startsOn: day, endsOn: day.adding(days: 1), shifts: 3, machines: 4, officers: ["a", "b"],
                                    createdBy: "pc06", createdAt: Date(timeIntervalSince1970: 1_600_000_000), updatedAt: Date(timeIntervalSince1970: 1_600_000_000))
        let saved = try await store.sessions.create(session)
        #expect(saved.id > 0 && saved.capacity == 4 * 350 * 2)
        var expected = session
        expected.id = saved.id
        #expect(try await store.sessions.session(id: saved.id) == expected)
        #expect(try await store.sessions.setState(id: saved.id, from: .planned, to: .open, at: Date()).state == .open)
        await #expect(throws: SessionError.wrongState(expected: .planned, actual: .open)) {
            try await store.sessions.setState(id: saved.id, from: .planned, to: .open, at: Date())
        }
        await #expect(throws: SessionError.notFound(999)) { try await store.sessions.setState(id: 999, from: .planned, to: .open, at: Date()) }
        let resident = try await store.residents.create(Fixtures.resident(), context: ChangeContext(actor: "t", reason: "t", at: Date()))
        let id = resident.record.resident.id
        #expect(try await store.sessions.invite(sessionID: saved.id, provinceCode: "38", residents: [id, id, 999_999]) == 1)
        #expect(try await store.sessions.invite(sessionID: saved.id, provinceCode: "38", residents: [id]) == 0)
        #expect(try await store.sessions.invitees(sessionID: saved.id) == [id])
        #expect(try await store.sessions.sessions(provinceCodes: ["38"], limit: 5).map(\.id) == [saved.id])
        #expect(try await store.sessions.sessions(provinceCodes: ["01"], limit: 5).isEmpty)
        #expect(try await store.sessions.throughput(sessionID: saved.id).isEmpty)
    }
}
