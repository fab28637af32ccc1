import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every role against every endpoint, on a record inside its area and one outside. The expectation comes
/// from the permission matrix (`Role.permissions`): no credentials → 401, a role without the permission →
/// 403, with it → success inside, and outside exactly (status and body) what a record that does not exist
/// gets.
@Suite struct AccessMatrixTests {
    /// The people of the test: one in each of two districts of Thanh Hóa, one in Hà Nội.
    struct Person {
        let id: ResidentID
        let pin: String
        let name: String
        let birth: String
        let commune: UnitRef
        let household: HouseholdID
    }

    struct World {
        let inDistrictA: Person
        let inDistrictB: Person
        let inHanoi: Person
        let districtA: String
        let tokens: [Role: String]
    }

    /// An endpoint of the matrix: the permission it needs and the request it makes about a person (nil:
    /// a person who does not exist).
    struct Endpoint: Sendable {
        let name: String
        let permission: Permission
        let perPerson: Bool
        let make: @Sendable (Person?) -> (String, HTTPRequest.Method, ByteBuffer?)
    }

    static let missing = Person(id: 999_999, pin: "038090999999", name: "Không Có Ai", birth: "1901-01-01",
                                commune: UnitRef(edition: .threeLevel, code: "14971"), household: 999_999)

    static func json(_ object: [String: Any]) -> ByteBuffer { ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object)) }

    static let endpoints: [Endpoint] = {
        let today = LocalDate(Date())
        @Sendable func p(_ person: Person?) -> Person { person ?? missing }
        return [
            Endpoint(name: "read by id", permission: .readResidents, perPerson: true) { ("/api/v1/residents/\(p($0).id)", .get, nil) },
            Endpoint(name: "verify by PIN", permission: .verifyResidents, perPerson: true) { ("/api/v1/residents/\(p($0).pin)", .get, nil) },
            Endpoint(name: "history", permission: .readResidents, perPerson: true) { ("/api/v1/residents/\(p($0).id)/history", .get, nil) },
            Endpoint(name: "as of today", permission: .readResidents, perPerson: true) { ("/api/v1/residents/\(p($0).id)/as-of/\(today)", .get, nil) },
            Endpoint(name: "card preview", permission: .readResidents, perPerson: true) { ("/api/v1/residents/\(p($0).id)/card-preview", .get, nil) },
            Endpoint(name: "household", permission: .readResidents, perPerson: true) { ("/api/v1/households/\(p($0).household)", .get, nil) },
            Endpoint(name: "search by PIN", permission: .readResidents, perPerson: true) {
                ("/api/v1/residents/search", .post, json(["pin": p($0).pin]))
            },
            Endpoint(name: "search by name and birth", permission: .readResidents, perPerson: true) {
                ("/api/v1/residents/search", .post, json(["name": VietnameseText.fold(p($0).name), "birth_date": p($0).birth]))
            },
            Endpoint(name: "list a commune", permission: .readResidents, perPerson: true) {
                // The missing person's stand-in: a commune where nobody of the test lives.
                ("/api/v1/residents?commune=\($0?.commune.code ?? "16003")", .get, nil)
            },
            Endpoint(name: "correct", permission: .writeResidents, perPerson: true) {
                ("/api/v1/residents/\(p($0).id)", .patch, json(["reason": "kiểm tra", "expected_version": 999, "changes": ["phone": "0900000000"]]))
            },
            Endpoint(name: "re-establish PIN", permission: .writeResidents, perPerson: true) {
                ("/api/v1/residents/\(p($0).id)/pin-reestablishment", .post, json(["reason": "kiểm tra", "sex": "male", "expected_version": 999]))
            },
            Endpoint(name: "who looked at this person", permission: .readAudit, perPerson: true) { ("/api/v1/residents/\(p($0).id)/access-log", .get, nil) },
            Endpoint(name: "console resident page", permission: .readResidents, perPerson: true) { ("/residents/\(p($0).id)", .get, nil) },
            Endpoint(name: "take an application", permission: .takeApplications, perPerson: true) {
                ("/api/v1/applications", .post, json(["pin": p($0).pin, "kind": "first", "request_id": "matrix-\(p($0).id)"]))
            },
            Endpoint(name: "application queue", permission: .readApplications, perPerson: false) { _ in ("/api/v1/applications?state=received", .get, nil) },
            Endpoint(name: "units", permission: .readUnits, perPerson: false) { _ in ("/api/v1/units/38?edition=2025-01", .get, nil) },
            Endpoint(name: "decode a PIN", permission: .verifyResidents, perPerson: false) { _ in ("/api/v1/pins/038193001234", .get, nil) },
            Endpoint(name: "accounts", permission: .manageAccounts, perPerson: false) { _ in ("/api/v1/accounts", .get, nil) },
            Endpoint(name: "tokens", permission: .manageAccounts, perPerson: false) { _ in ("/api/v1/tokens", .get, nil) },
            Endpoint(name: "what an officer did", permission: .readAudit, perPerson: false) { _ in ("/api/v1/accounts/pc06/activity", .get, nil) },
            Endpoint(name: "overview page", permission: .readReports, perPerson: false) { _ in ("/overview", .get, nil) },
        ]
    }()

    static func person(_ store: any RegisterStore, name: String, province: String, commune: UnitRef) async throws -> Person {
        let context = ChangeContext(actor: "test", reason: "kiểm tra quyền", at: Date())
        let household = try await store.households.create(Household(provinceCode: province, address: Address(unit: commune, street: "Số 1")))
        let resident = Resident(provinceCode: province, fullName: name, birthDate: try PartialDate(iso: "1985-03-04"), sex: .female,
                                birthRegistrationPlace: Place(unit: UnitRef(edition: .threeLevel, code: province)),
                                permanentResidence: Address(unit: commune, street: "Số 1"), householdId: household.id, relationToHead: .head)
        let created = try await store.residents.create(resident, context: context).record.resident
        return Person(id: created.id, pin: created.pin!.digits, name: name, birth: "1985-03-04", commune: commune, household: household.id)
    }

    static func world(_ store: any RegisterStore, keys: KeyRing) async throws -> World {
        let catalog = AdminUnitCatalog.shared
        let districts = catalog.children(of: UnitRef(edition: .threeLevel, code: "38"))
        let (districtA, districtB) = (districts[0], districts[1])
        let communeA = try #require(catalog.communes(under: districtA.reference).first).reference
        let communeB = try #require(catalog.communes(under: districtB.reference).first).reference
        let hanoi = try #require(catalog.communes(under: UnitRef(edition: .threeLevel, code: "01")).first).reference
        let a = try await person(store, name: "Trịnh Thị Mai", province: "38", commune: communeA)
        let b = try await person(store, name: "Lò Văn Páo", province: "38", commune: communeB)
        let h = try await person(store, name: "Đỗ Thu Hà", province: "01", commune: hanoi)
        let accounts = TestAccounts(store: store, keys: keys)
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            let unit = switch role {
            case .communeOfficer: communeA.description
            case .districtOfficer: districtA.reference.description
            default: "38"
            }
            tokens[role] = try await accounts.token(role == .provinceOfficer ? "pc06" : role.rawValue, role: role, unit: unit)
        }
        return World(inDistrictA: a, inDistrictB: b, inHanoi: h, districtA: districtA.code, tokens: tokens)
    }

    struct Answer: Equatable, CustomStringConvertible {
        let status: HTTPResponse.Status
        let body: String
        var description: String { "\(status.code) \(body.prefix(160))" }
    }

    static func ask(_ client: AuthedClient, _ request: (String, HTTPRequest.Method, ByteBuffer?)) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init("X-Purpose")!] = "kiểm tra ma trận quyền"
        return try await client.execute(uri: request.0, method: request.1, headers: headers, body: request.2) { response in
            Answer(status: response.status, body: String(buffer: response.body))
        }
    }

    @Test func everyRoleEveryEndpointInsideAndOutsideItsArea() async throws {
        let store = try SQLiteRegister.inMemory()
        let keys = KeyRing.generate()
        let world = try await Self.world(store, keys: keys)
        let app = try await buildApplication(AppConfig(port: 0), dependencies: AppDependencies(store: store, keys: keys, access: TestAccounts.policy))
        try await app.test(.router) { client in
            var checked = 0
            for endpoint in Self.endpoints {
                // Nobody signed in.
                let anonymous = try await Self.ask(AuthedClient(inner: client, token: nil), endpoint.make(world.inDistrictA))
                let console = Routes.isConsolePath(endpoint.make(nil).0)
                #expect(anonymous.status == (console ? .seeOther : .unauthorized), "anonymous \(endpoint.name): \(anonymous)")
                for role in Role.allCases {
                    let caller = AuthedClient(inner: client, token: world.tokens[role])
                    let inside = try await Self.ask(caller, endpoint.make(world.inDistrictA))
                    checked += 1
                    guard role.can(endpoint.permission) || (endpoint.name == "overview page" && role.can(.manageAccounts)) else {
                        #expect(inside.status == .forbidden, "\(role) \(endpoint.name): \(inside)")
                        continue
                    }
                    #expect(inside.status.code < 300 || inside.status == .conflict, "\(role) \(endpoint.name) inside: \(inside)")
                    guard endpoint.perPerson else { continue }
                    let outsider = [.communeOfficer, .districtOfficer].contains(role) ? world.inDistrictB : world.inHanoi
                    let outside = try await Self.ask(caller, endpoint.make(outsider))
                    let nobody = try await Self.ask(caller, endpoint.make(nil))
                    #expect(outside == nobody, "\(role) \(endpoint.name): outside \(outside) but missing \(nobody)")
                    #expect(outside != inside, "\(role) \(endpoint.name): outside looks like inside")
                    checked += 2
                }
            }
            #expect(checked > 150)
            // Counts are of the viewer's area: the province keeps two of the three people.
            try await AuthedClient(inner: client, token: world.tokens[.leader]).execute(uri: "/overview", method: .get) { response in
                #expect(String(buffer: response.body).contains("id=\"resident-count\">2<"))
            }
        }
    }
}
