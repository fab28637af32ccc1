import CanCuocChip
import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A test client that sends every request with one account's bearer token (or none).
struct AuthedClient: Sendable {
    let inner: any TestClientProtocol
    let token: String?

    func execute<Return>(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                         testCallback: @escaping (TestResponse) async throws -> Return = { $0 }) async throws -> Return {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await inner.execute(uri: uri, method: method, headers: headers, body: body, testCallback: testCallback)
    }

    func `as`(_ token: String?) -> AuthedClient { AuthedClient(inner: inner, token: token) }
}

/// Accounts for tests, made through the same service the CLI uses (bcrypt at its lowest cost for speed).
struct TestAccounts {
    static let password = "test-password-1"
    static let policy: AccessControl.Policy = {
        var policy = AccessControl.Policy()
        policy.bcryptCost = 4
        return policy
    }()

    let service: AccountService

    init(store: any RegisterStore, keys: KeyRing, clock: @escaping @Sendable () -> Date = Date.init) {
        service = AccountService(accounts: store.accounts, keys: keys, clock: clock, bcryptCost: 4)
    }

    /// Creates the account (ready to use: no forced password change) and returns a bearer token for it.
    func token(_ username: String, role: Role, unit: String, scopes: Set<Permission>? = nil) async throws -> String {
        _ = try await service.create(username: username, role: role, unitCode: unit, password: Self.password, mustChangePassword: false)
        return try await service.issueToken(username: username, scopes: scopes, days: 1).secret
    }
}

/// The real application on an in-memory register with a seeded population and a provincial officer.
struct TestApp {
    static func run(people: Int = 300, seed: UInt64 = 5, trusted: TrustedCSCAs = TrustedCSCAs([]), keys: KeyRing = KeyRing.generate(),
                    production: BatchProduction? = nil, _ test: @escaping @Sendable (AuthedClient, any RegisterStore) async throws -> Void) async throws {
        let store = try SQLiteRegister.inMemory()
        _ = try await PopulationSeeder(store: store).run(provinceCode: "38", people: people, seed: seed)
        let token = try await TestAccounts(store: store, keys: keys).token("pc06", role: .provinceOfficer, unit: "38")
        let app = try await buildApplication(AppConfig(port: 0), dependencies: AppDependencies(store: store, keys: keys, access: TestAccounts.policy, trustedCSCAs: trusted, production: production))
        try await app.test(.router) { client in try await test(AuthedClient(inner: client, token: token), store) }
    }
}

extension TestApp {
    /// The seeded adults who can hold a card (alive, with a PIN and a residence), in register order.
    static func cardHolders(_ store: any RegisterStore) async throws -> [Resident] {
        var residents: [Resident] = []
        try await store.bulk.forEachResident(pageSize: 500) { residents += $0 }
        return residents.filter { (r: Resident) -> Bool in
            r.birthDate.year < 1990 && r.deathDate == nil && r.pin != nil && r.permanentResidence != nil
        }
    }
}
