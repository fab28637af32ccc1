import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ConsoleTests {
    @Test func searchAndResidentPage() async throws {
        let store = try SQLiteRegister.inMemory()
        _ = try await PopulationSeeder(store: store).run(provinceCode: "38", people: 200, seed: 9)
        let someone = try #require(try await store.residents.resident(id: 1)?.resident)
        let keys = KeyRing.generate()
        // A district officer of the district where resident 1 lives.
        let commune = try #require(someone.permanentResidence?.unit)
        let district = try #require(AdminUnitCatalog.shared.unit(commune)?.parentCode)
        _ = try await TestAccounts(store: store, keys: keys).service.create(username: "huyen.officer", role: .districtOfficer, unitCode: "\(commune.edition.rawValue)/\(district)",
                                                                          password: TestAccounts.password, mustChangePassword: false)
        let app = try await buildApplication(AppConfig(port: 0), dependencies: AppDependencies(store: store, keys: keys, access: TestAccounts.policy))
        try await app.test(.router) { plain in
            let client = try await ConsoleSession.signIn(plain, username: "huyen.officer", password: TestAccounts.password)
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/residents")
            }
            // Without the session: sent to the sign-in page.
            try await plain.execute(uri: "/residents", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/signin")
            }
            try await client.execute(uri: "/residents", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(String(buffer: response.body).contains("Tra cứu công dân"))
            }
            let folded = VietnameseText.fold(someone.fullName).replacingOccurrences(of: " ", with: "+")
            try await client.execute(uri: "/residents", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "q=\(folded)&birth_date=&commune=&csrf=\(client.csrf)")) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(someone.fullName))
                #expect(html.contains(Routes.resident(someone.id)))
            }
            try await client.execute(uri: "/residents", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "q=&birth_date=1990-02-30&commune=&csrf=\(client.csrf)")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("does not exist"))
            }
            try await client.execute(uri: Routes.resident(someone.id), method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(someone.pin!.digits))
                #expect(html.contains("id=\"household\""))
                #expect(html.contains("Lịch sử hồ sơ"))
            }
            try await client.execute(uri: "/residents/999999", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("<html"))
            }
            try await client.execute(uri: "/static/app.css", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
