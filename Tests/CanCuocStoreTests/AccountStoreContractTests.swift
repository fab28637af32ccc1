import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// Accounts, sessions and tokens behave alike on every backend.
@Suite struct AccountStoreContractTests {
    static func account(_ name: String, role: Role = .communeOfficer, unit: String = "14971") -> Account {
        Account(username: name, displayName: name, role: role, unit: UnitRef(edition: .threeLevel, code: unit), passwordHash: "$2b$04$x",
                sealedTOTPSecret: Data([1, 2, 3]), mustChangePassword: true, createdAt: Date(timeIntervalSince1970: 1_700_000_000.123456))
    }

    @Test(arguments: Backend.allCases)
    func accountsRoundTripAndUsernamesAreUnique(backend: Backend) async throws {
        let store = try await backend.open()
        let created = try await store.accounts.create(Self.account("alice"))
        #expect(created.id > 0)
        let read = try #require(try await store.accounts.account(username: "alice"))
        #expect(read == created)
        #expect(try await store.accounts.account(id: created.id) == created)
        await #expect(throws: AccountError.duplicateUsername("alice")) { try await store.accounts.create(Self.account("alice")) }
        var changed = read
        changed.disabled = true
        changed.sealedTOTPSecret = nil
        changed.lockedUntil = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.accounts.update(changed)
        #expect(try await store.accounts.account(id: created.id) == changed)
        _ = try await store.accounts.create(Self.account("bob"))
        #expect(try await store.accounts.all().map(\.username) == ["alice", "bob"])
        #expect(try await store.accounts.account(username: "nobody") == nil)
    }

    @Test(arguments: Backend.allCases)
    func failedSignInsLockAtTheLimit(backend: Backend) async throws {
        let store = try await backend.open()
        let id = try await store.accounts.create(Self.account("carol")).id
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        for attempt in 1...4 {
            let account = try #require(try await store.accounts.recordFailedSignIn(id: id, limit: 5, lockFor: 900, now: now))
            #expect(account.failedSignIns == attempt)
            #expect(!account.isLocked(at: now))
        }
        let locked = try #require(try await store.accounts.recordFailedSignIn(id: id, limit: 5, lockFor: 900, now: now))
        #expect(locked.isLocked(at: now))
        #expect(!locked.isLocked(at: now.addingTimeInterval(901)))
        try await store.accounts.resetFailedSignIns(id: id)
        let reset = try #require(try await store.accounts.account(id: id))
        #expect(reset.failedSignIns == 0 && reset.lockedUntil == nil)
    }

    @Test(arguments: Backend.allCases)
    func sessionsEndOneByOneOrEverywhere(backend: Backend) async throws {
        let store = try await backend.open()
        let alice = try await store.accounts.create(Self.account("alice")).id
        let bob = try await store.accounts.create(Self.account("bob")).id
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        func session(_ hash: String, _ account: AccountID) -> Session {
            Session(tokenHash: hash, accountID: account, csrfToken: "csrf-" + hash, secondFactorDone: false, createdAt: now, expiresAt: now.addingTimeInterval(3600))
        }
        for (hash, account) in [("a1", alice), ("a2", alice), ("b1", bob)] { try await store.accounts.createSession(session(hash, account)) }
        #expect(try await store.accounts.session(tokenHash: "a1") == session("a1", alice))
        let joined = try #require(try await store.accounts.sessionAndAccount(tokenHash: "a1"))
        #expect(joined.0 == session("a1", alice) && joined.1.username == "alice")
        try await store.accounts.completeSecondFactor(tokenHash: "a1")
        #expect(try await store.accounts.session(tokenHash: "a1")?.secondFactorDone == true)
        try await store.accounts.deleteSession(tokenHash: "a2")
        #expect(try await store.accounts.session(tokenHash: "a2") == nil)
        try await store.accounts.createSession(session("a3", alice))
        #expect(try await store.accounts.deleteSessions(accountID: alice) == 2)
        #expect(try await store.accounts.session(tokenHash: "a1") == nil)
        #expect(try await store.accounts.session(tokenHash: "b1") != nil)
    }

    @Test(arguments: Backend.allCases)
    func tokensRevokeAndCountRequestsPerWindow(backend: Backend) async throws {
        let store = try await backend.open()
        let owner = try await store.accounts.create(Self.account("bank", role: .agency, unit: "38")).id
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let token = try await store.accounts.createToken(APIToken(accountID: owner, tokenHash: "h1", scopes: [.verifyResidents], label: "ngân hàng",
                                                                  createdAt: now, expiresAt: now.addingTimeInterval(86_400), rateLimit: 3))
        #expect(try await store.accounts.token(tokenHash: "h1") == token)
        let joined = try #require(try await store.accounts.tokenAndOwner(tokenHash: "h1"))
        let ownerAccount = try await store.accounts.account(id: owner)
        #expect(joined.0 == token && joined.1 == ownerAccount)
        #expect(try await store.accounts.tokenAndOwner(tokenHash: "nope") == nil)
        #expect(try await store.accounts.tokens(accountID: owner) == [token])
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 100, count: 1) == 1)
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 100, count: 5) == 6)
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 101, count: 2) == 2)
        // A count of 0 reads the window's total (a server's first request of the token in that minute).
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 101, count: 0) == 2)
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 102, count: 0) == 0)
        #expect(try await store.accounts.addRequests(tokenID: token.id, window: 102, count: 1) == 1)
        #expect(try await store.accounts.revokeToken(id: token.id, at: now))
        #expect(try await store.accounts.token(tokenHash: "h1")?.isUsable(at: now) == false)
        #expect(try await store.accounts.revokeToken(id: 424242, at: now) == false)
    }
}
