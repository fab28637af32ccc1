import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import CanCuocTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A process beside the server (a bulk import) holds the SQLite register's write lock for longer than a write
/// waits for it.
@Suite struct BusyDatabaseTests {
    @Test func aWriteThatOutwaitsAnotherProcesssLockIsAnsweredBusyAndLookUpsGoOn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-busy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("r.sqlite").path
        let store = try SQLiteRegister(path: path)
        _ = try await PopulationSeeder(store: store).run(provinceCode: "38", people: 30, seed: 3)
        let keys = KeyRing.generate()
        let token = try await TestAccounts(store: store, keys: keys).token("pc06", role: .provinceOfficer, unit: "38")
        let pin = try #require(try await store.residents.resident(id: 1)?.resident.pin)
        let app = try await buildApplication(AppConfig(port: 0), dependencies: AppDependencies(store: store, keys: keys, access: TestAccounts.policy))
        let correction = ByteBuffer(string: #"{"reason":"số điện thoại mới","expected_version":1,"changes":{"phone":"0912345678"}}"#)
        let json: HTTPFields = [.contentType: "application/json"]

        try await app.test(.router) { inner in
            let client = AuthedClient(inner: inner, token: token)
            let lock = try await SQLiteWriteLock.take(on: path)
            try await client.execute(uri: "/api/v1/residents/1", method: .patch, headers: json, body: correction) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains(#""code":"database_busy""#), "\(body)")
            }
            // Look-ups read, and audit to the trail's file: they go on meanwhile.
            try await client.execute(uri: "/api/v1/residents/\(pin.digits)", method: .get) { #expect($0.status == .ok) }
            try await lock.release()
            try await client.execute(uri: "/api/v1/residents/1", method: .patch, headers: json, body: correction) { #expect($0.status == .ok) }
        }
    }
}
