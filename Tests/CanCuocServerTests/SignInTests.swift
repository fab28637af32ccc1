import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import Synchronization
import Testing

/// A clock the test moves forward.
final class MovableClock: Sendable {
    private let state = Mutex(Date())
    var now: Date { state.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { state.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

/// Console sign-in, the second factor, lock-out, CSRF, the forced password change, sign-out everywhere,
/// and bearer tokens' expiry, revocation and rate limit.
@Suite struct SignInTests {
    struct Setup {
        let store: SQLiteRegister
        let keys: KeyRing
        let clock: MovableClock
        let accounts: TestAccounts
    }

    static func withApp(secureCookies: Bool = false, _ test: @escaping @Sendable (any TestClientProtocol, Setup) async throws -> Void) async throws {
        let store = try SQLiteRegister.inMemory()
        _ = try await PopulationSeeder(store: store).run(provinceCode: "38", people: 50, seed: 3)
        let keys = KeyRing.generate()
        let clock = MovableClock()
        let setup = Setup(store: store, keys: keys, clock: clock, accounts: TestAccounts(store: store, keys: keys, clock: clock.function))
        let app = try await buildApplication(AppConfig(port: 0, secureCookies: secureCookies),
                                             dependencies: AppDependencies(store: store, keys: keys, clock: clock.function, access: TestAccounts.policy))
        try await app.test(.router) { client in try await test(client, setup) }
    }

    static func code(_ secret: String, at date: Date) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    @Test func provincialOfficerNeedsTheTOTPCode() async throws {
        try await Self.withApp { client, setup in
            let created = try await setup.accounts.service.create(username: "pc06", role: .provinceOfficer, unitCode: "38",
                                                                  password: TestAccounts.password, mustChangePassword: false)
            let secret = try #require(created.totpSecret)
            let (response, cookie) = try await ConsoleSession.postPassword(client, username: "pc06", password: TestAccounts.password)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/signin/code")
            let session = try #require(cookie)
            let headers: HTTPFields = [.cookie: "cancuoc_session=\(session)"]
            // The password alone opens nothing.
            try await client.execute(uri: "/residents", method: .get, headers: headers) { response in
                #expect(response.headers[.location] == "/signin")
            }
            let csrf = try await client.execute(uri: "/signin/code", method: .get, headers: headers) { response in
                ConsoleSession.hidden("csrf", in: String(buffer: response.body)) ?? ""
            }
            var post = ConsoleSession.form
            post[.cookie] = "cancuoc_session=\(session)"
            // A code that is none of the accepted ones (this step and its neighbours).
            let accepted = Set([-30.0, 0, 30].map { Self.code(secret, at: setup.clock.now.addingTimeInterval($0)) })
            let wrong = try #require(["000000", "111111", "222222", "333333"].first { !accepted.contains($0) })
            try await client.execute(uri: "/signin/code", method: .post, headers: post, body: ByteBuffer(string: "csrf=\(csrf)&code=\(wrong)")) { response in
                #expect(response.status == .unauthorized)
            }
            let good = Self.code(secret, at: setup.clock.now)
            try await client.execute(uri: "/signin/code", method: .post, headers: post, body: ByteBuffer(string: "csrf=\(csrf)&code=\(good)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/residents")
            }
            try await client.execute(uri: "/residents", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Đăng xuất"))
            }
            // Both steps are in the audit trail.
            let actions = try await setup.store.audit.entries(actor: "pc06", limit: 10).map(\.draft.action)
            #expect(actions.contains("signin.password") && actions.contains("signin") && actions.contains("signin.failure"))
        }
    }

    /// Someone who typed the password but left the code page can start over at /signin.
    @Test func aHalfFinishedSignInCanStartOver() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "pc06", role: .provinceOfficer, unitCode: "38",
                                                        password: TestAccounts.password, mustChangePassword: false)
            let (_, pending) = try await ConsoleSession.postPassword(client, username: "pc06", password: TestAccounts.password)
            let half = try #require(pending)
            let (token, signinCookie) = try await client.execute(uri: "/signin", method: .get, headers: [.cookie: "cancuoc_session=\(half)"]) { response in
                (ConsoleSession.hidden("csrf", in: String(buffer: response.body)) ?? "", ConsoleSession.cookie("cancuoc_signin", in: response) ?? "")
            }
            var headers = ConsoleSession.form
            headers[.cookie] = "cancuoc_session=\(half); cancuoc_signin=\(signinCookie)"
            try await client.execute(uri: "/signin", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&username=pc06&password=\(TestAccounts.password)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/signin/code")
            }
        }
    }

    @Test func repeatedFailuresLockTheAccountForAWhile() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: false)
            for attempt in 1...5 {
                let (response, cookie) = try await ConsoleSession.postPassword(client, username: "xa1", password: "wrong-password-\(attempt)")
                #expect(cookie == nil)
                #expect(response.status == (attempt < 5 ? .unauthorized : .tooManyRequests))
            }
            // Locked: even the right password is refused, and an unknown user looks like a wrong password.
            let (locked, none) = try await ConsoleSession.postPassword(client, username: "xa1", password: TestAccounts.password)
            #expect(locked.status == .tooManyRequests && none == nil)
            let (unknown, _) = try await ConsoleSession.postPassword(client, username: "nobody", password: TestAccounts.password)
            #expect(unknown.status == .unauthorized)
            setup.clock.advance(16 * 60)
            let (after, session) = try await ConsoleSession.postPassword(client, username: "xa1", password: TestAccounts.password)
            #expect(after.status == .seeOther && session != nil)
            let failures = try await setup.store.audit.entries(target: "account:xa1", limit: 20).filter { $0.draft.action == "signin.failure" }
            #expect(failures.count == 4)
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: false)
            let session = try await ConsoleSession.signIn(client, username: "xa1", password: TestAccounts.password)
            #expect(!session.csrf.isEmpty)
            for body in ["q=nguyen", "q=nguyen&csrf=forged"] {
                try await session.execute(uri: "/residents", method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden)
                }
            }
            try await session.execute(uri: "/residents", method: .post, headers: ConsoleSession.form,
                                      body: ByteBuffer(string: "q=nguyen&csrf=\(session.csrf)")) { response in
                #expect(response.status == .ok)
            }
            // The sign-in form itself: its token must match the cookie set with the form.
            try await client.execute(uri: "/signin", method: .post, headers: ConsoleSession.form,
                                     body: ByteBuffer(string: "csrf=abc&username=xa1&password=\(TestAccounts.password)")) { response in
                #expect(response.status == .forbidden)
                #expect(ConsoleSession.cookie("cancuoc_session", in: response) == nil)
            }
        }
    }

    @Test func cookiesAreHttpOnlyStrictAndSecureBehindTLS() async throws {
        try await Self.withApp(secureCookies: true) { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: false)
            let (response, _) = try await ConsoleSession.postPassword(client, username: "xa1", password: TestAccounts.password)
            let header = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("cancuoc_session=") })
            #expect(header.contains("HttpOnly"))
            #expect(header.contains("SameSite=Strict"))
            #expect(header.contains("Secure"))
        }
    }

    @Test func firstPasswordMustBeChangedBeforeAnythingElse() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: true)
            let (response, cookie) = try await ConsoleSession.postPassword(client, username: "xa1", password: TestAccounts.password)
            #expect(response.headers[.location] == "/account/password")
            let session = try await ConsoleSession.resume(client, cookie: try #require(cookie))
            try await session.execute(uri: "/residents", method: .get) { response in
                #expect(response.headers[.location] == "/account/password")
            }
            let weak = "csrf=\(session.csrf)&current_password=\(TestAccounts.password)&new_password=short&repeat_password=short"
            try await session.execute(uri: "/account/password", method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: weak)) { response in
                #expect(response.status == .unprocessableContent)
            }
            let good = "csrf=\(session.csrf)&current_password=\(TestAccounts.password)&new_password=mat-khau-moi-2026&repeat_password=mat-khau-moi-2026"
            try await session.execute(uri: "/account/password", method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: good)) { response in
                #expect(response.headers[.location] == "/residents")
            }
            try await session.execute(uri: "/residents", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func signOutEverywhereEndsEverySession() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: false)
            let office = try await ConsoleSession.signIn(client, username: "xa1", password: TestAccounts.password)
            let mobile = try await ConsoleSession.signIn(client, username: "xa1", password: TestAccounts.password)
            try await mobile.execute(uri: "/residents", method: .get) { #expect($0.status == .ok) }
            try await office.execute(uri: "/signout/everywhere", method: .post, headers: ConsoleSession.form,
                                     body: ByteBuffer(string: "csrf=\(office.csrf)")) { response in
                #expect(response.headers[.location] == "/signin")
            }
            for session in [office, mobile] {
                try await session.execute(uri: "/residents", method: .get) { #expect($0.headers[.location] == "/signin") }
            }
        }
    }

    @Test func tokensExpireCanBeRevokedAndAreRateLimited() async throws {
        try await Self.withApp { client, setup in
            let pin = try #require(try await setup.store.residents.resident(id: 1)?.resident.pin?.digits)
            _ = try await setup.accounts.service.create(username: "bank", role: .agency, unitCode: "38", password: nil)
            let service = setup.accounts.service
            let purpose: HTTPFields = [.init("X-Purpose")!: "mở tài khoản"]
            let expiring = try await service.issueToken(username: "bank", scopes: nil, days: 1)
            let revoked = try await service.issueToken(username: "bank", scopes: nil, days: 30)
            let limited = try await service.issueToken(username: "bank", scopes: nil, days: 30, rateLimit: 3)
            let bank = AuthedClient(inner: client, token: expiring.secret)
            try await bank.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose) { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                // Verification only: no address, no relatives.
                #expect(Set(object?.keys.map { $0 } ?? []) == ["pin", "full_name", "birth_date", "sex", "alive", "old_id_number"])
            }
            try await bank.execute(uri: "/api/v1/residents/\(pin)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            _ = try await setup.store.accounts.revokeToken(id: revoked.token.id, at: setup.clock.now)
            try await bank.as(revoked.secret).execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose) { #expect($0.status == .unauthorized) }
            try await bank.as("cc_not-a-token").execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose) { #expect($0.status == .unauthorized) }
            for attempt in 1...4 {
                try await bank.as(limited.secret).execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose) { response in
                    #expect(response.status == (attempt <= 3 ? .ok : .tooManyRequests))
                }
            }
            setup.clock.advance(2 * 86_400)
            try await bank.execute(uri: "/api/v1/residents/\(pin)", method: .get, headers: purpose) { #expect($0.status == .unauthorized) }
            // An agency account cannot sign in to the console at all.
            let (response, cookie) = try await ConsoleSession.postPassword(client, username: "bank", password: TestAccounts.password)
            #expect(response.status == .unauthorized && cookie == nil)
            // The verifications are in the trail with their purpose.
            let entries = try await setup.store.audit.entries(actor: "bank", limit: 20)
            #expect(entries.contains { $0.draft.action == "resident.verify" && $0.draft.purpose == "mở tài khoản" && $0.draft.target == "resident:1" })
        }
    }

    @Test func disabledAccountsLoseTheirSessionsAndTokens() async throws {
        try await Self.withApp { client, setup in
            _ = try await setup.accounts.service.create(username: "xa1", role: .communeOfficer, unitCode: "2025-01/14971",
                                                        password: TestAccounts.password, mustChangePassword: false)
            let session = try await ConsoleSession.signIn(client, username: "xa1", password: TestAccounts.password)
            let token = try await setup.accounts.service.issueToken(username: "xa1", scopes: nil, days: 5).secret
            _ = try await setup.accounts.service.disable(username: "xa1")
            try await session.execute(uri: "/residents", method: .get) { #expect($0.headers[.location] == "/signin") }
            try await AuthedClient(inner: client, token: token).execute(uri: "/api/v1/residents/1", method: .get) { #expect($0.status == .unauthorized) }
        }
    }
}
