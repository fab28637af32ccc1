import CanCuocCore
@testable import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A checked token is remembered for a second: changes made through this server forget it at once, changes
/// made elsewhere (another server, the command line, straight in the store) take effect within the second.
@Suite struct TokenCacheTests {
    static func token(_ id: TokenID, at date: Date) -> (APIToken, Account) {
        let token = APIToken(id: id, accountID: 1, tokenHash: "h\(id)", scopes: [], label: "", createdAt: date,
                             expiresAt: date.addingTimeInterval(86_400), revokedAt: nil, rateLimit: 600)
        let owner = Account(id: 1, username: "bank", displayName: "bank", role: .agency, unit: UnitRef(edition: .twoLevel, code: "38"),
                            passwordHash: "", createdAt: date)
        return (token, owner)
    }

    @Test func entriesLastTheirLifetimeAndNoLonger() {
        let cache = TokenCache(lifetime: 1, capacity: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let (token, owner) = Self.token(7, at: start)
        #expect(cache.lookup("h7", at: start) == nil)
        cache.store("h7", token: token, owner: owner, at: start)
        #expect(cache.lookup("h7", at: start.addingTimeInterval(0.9))?.0 == token)
        #expect(cache.lookup("h7", at: start.addingTimeInterval(1.0)) == nil)
        // Once dropped it stays dropped, and a clock that went back does not revive an entry.
        #expect(cache.lookup("h7", at: start) == nil)
        cache.store("h7", token: token, owner: owner, at: start)
        #expect(cache.lookup("h7", at: start.addingTimeInterval(-5)) == nil)
        // Bounded: a full cache starts over rather than growing.
        for id in 1...4 { cache.store("h\(id)", token: Self.token(TokenID(id), at: start).0, owner: owner, at: start) }
        #expect(cache.lookup("h1", at: start) == nil)
        #expect(cache.lookup("h4", at: start) != nil)
        cache.forgetAll()
        #expect(cache.lookup("h4", at: start) == nil)
    }

    @Test func revocationThroughThisServerIsImmediateAndFromElsewhereWithinASecond() async throws {
        try await SignInTests.withApp { client, setup in
            let pin = try #require(try await setup.store.residents.resident(id: 1)?.resident.pin?.digits)
            let service = setup.accounts.service
            _ = try await service.create(username: "bank", role: .agency, unitCode: "38", password: nil)
            _ = try await service.create(username: "quantri", role: .admin, unitCode: "38", password: nil)
            let admin = AuthedClient(inner: client, token: try await service.issueToken(username: "quantri", scopes: nil, days: 1).secret)
            let purpose: HTTPFields = [.init("X-Purpose")!: "mở tài khoản"]
            let elsewhere = try await service.issueToken(username: "bank", scopes: nil, days: 30)
            let here = try await service.issueToken(username: "bank", scopes: nil, days: 30)
            for issued in [elsewhere, here] {
                try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose.with(bearer: issued.secret)) { #expect($0.status == .ok) }
            }
            // Revoked in the store, as another server or `cancuoc token revoke` does: still accepted within the second.
            _ = try await setup.store.accounts.revokeToken(id: elsewhere.token.id, at: setup.clock.now)
            try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose.with(bearer: elsewhere.secret)) { #expect($0.status == .ok) }
            setup.clock.advance(1)
            try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose.with(bearer: elsewhere.secret)) {
                #expect($0.status == .unauthorized)
            }
            // Revoked through this server's API: refused at once, though checked a moment ago.
            try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose.with(bearer: here.secret)) { #expect($0.status == .ok) }
            try await admin.execute(uri: "/api/v1/tokens/\(here.token.id)/revoke", method: .post) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose.with(bearer: here.secret)) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}

extension HTTPFields {
    func with(bearer token: String) -> HTTPFields {
        var fields = self
        fields[.authorization] = "Bearer \(token)"
        return fields
    }
}
