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
        let app = try await buildApplication(AppConfig(port: 0), dependencies: AppDependencies(store: store))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/residents", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(String(buffer: response.body).contains("Tra cứu công dân"))
            }
            let folded = VietnameseText.fold(someone.fullName).replacingOccurrences(of: " ", with: "+")
            try await client.execute(uri: "/residents", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "q=\(folded)&birth_date=&commune=")) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(someone.fullName))
                #expect(html.contains(Routes.resident(someone.id)))
            }
            try await client.execute(uri: "/residents", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "q=&birth_date=1990-02-30&commune=")) { response in
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
