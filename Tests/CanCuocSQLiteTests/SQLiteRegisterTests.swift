import CanCuocCore
import CanCuocSQLite
import CanCuocStore
import CanCuocTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

/// What only the embedded backend does: files, indexes re-created after an interrupted load, backups.
@Suite struct SQLiteRegisterTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-sqlite-\(UUID().uuidString)")
    }

    @Test func reopeningRestoresIndexesAnInterruptedLoadDropped() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("r.sqlite").path
        do {
            let register = try SQLiteRegister(path: path)
            _ = try await PopulationSeeder(store: register).run(provinceCode: "38", people: 300, seed: 1)
        }
        // Simulate a bulk load killed after dropping the indexes.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DROP INDEX residents_pin; DROP TRIGGER residents_terms_ai")
        }
        try queue.close()
        let reopened = try SQLiteRegister(path: path)
        let someone = try #require(try await reopened.residents.resident(id: 7)?.resident)
        let byPIN = try await reopened.residents.search(ResidentQuery(pin: someone.pin))
        #expect(byPIN.items.map(\.resident.id) == [7])
        let pinText = someone.pin!.digits
        let plan = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM residents WHERE pin = ?", arguments: [pinText])
                .map { $0["detail"] as String }.joined()
        }
        #expect(plan.contains("residents_pin"))
        // The name index was rebuilt too: a new record is found by name.
        let service = RegisterService(store: reopened)
        _ = try await service.create(Fixtures.resident("Quách Thị Mơ"), actor: "t", reason: "r")
        #expect(try await reopened.residents.search(ResidentQuery(name: "quach mo")).items.count == 1)
    }

    /// No commit copies the log into the file; the background checkpointer does. Without it the database
    /// file alone (no `-wal` beside it) would hold none of the new records.
    @Test func theLogIsCopiedIntoTheFileInTheBackground() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let register = try SQLiteRegister(path: path)
        let service = RegisterService(store: register)
        for _ in 0..<40 { _ = try await service.create(Fixtures.resident("Lò Thị Sen"), actor: "t", reason: "r") }
        var copied = 0
        for attempt in 0..<50 where copied < 40 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100)) }
            let copy = folder.appendingPathComponent("copy-\(attempt).sqlite").path
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            copied = (try? await DatabaseQueue(path: copy).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM residents") ?? 0 }) ?? 0
        }
        #expect(copied == 40)
        try? FileManager.default.removeItem(at: folder)
    }

    /// A command run beside the server (another process) holds a file's write lock for a moment: the
    /// server's writes, to the register and to its trail, wait for it instead of failing with "database is
    /// locked".
    @Test func writesWaitForAnotherConnectionsWrite() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.sqlite").path
        let register = try SQLiteRegister(path: path)
        let service = RegisterService(store: register)
        let draft = AuditDraft(time: Date(), actor: "t", role: "-", unit: "-", action: "test", target: "", purpose: "", clientAddress: "cli")
        let writes: [(file: String, write: @Sendable () async throws -> Void)] = [
            (path, { _ = try await service.create(Fixtures.resident("Hà Thị Lan"), actor: "t", reason: "r") }),
            (folder.appendingPathComponent("w.audit.sqlite").path, { _ = try await register.audit.append([draft]) { _, _, _ in nil } }),
        ]
        for (file, write) in writes {
            let lock = try await SQLiteWriteLock.take(on: file)
            let finished = SharedMutex(false)
            let writing = Task {
                try await write()
                finished.withLock { $0 = true }
            }
            try await Task.sleep(for: .milliseconds(300))
            // Still waiting for the lock, not failed.
            #expect(!finished.withLock { $0 })
            try await lock.release()
            try await writing.value
            #expect(finished.withLock { $0 })
        }
        #expect(try await register.residents.count() == 1)
    }

    /// Look-ups by PIN read on the caller's thread while searches hold the pool's readers across
    /// suspensions: many of both at once must all finish. (When the look-ups took the pool's readers, Swift's
    /// threads all blocked waiting for readers that only those threads could give back: a deadlock.)
    @Test func pointReadsAndPoolReadsTogetherAllFinish() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let register = try SQLiteRegister(path: folder.appendingPathComponent("p.sqlite").path)
        _ = try await PopulationSeeder(store: register).run(provinceCode: "38", people: 300, seed: 3)
        let someone = try #require(try await register.residents.resident(id: 11)?.resident)
        let pin = try #require(someone.pin)
        let finished = Mutex(false)
        // A hang would stop the whole test run: a watchdog thread (outside Swift's pool) ends it loudly.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 120)
            if !finished.withLock({ $0 }) { fatalError("look-ups and searches deadlocked") }
        }
        let found = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<600 {
                group.addTask {
                    if index % 2 == 0 { return try await register.residents.resident(pin: pin) == nil ? 0 : 1 }
                    return try await register.residents.search(ResidentQuery(name: "nguyen")).items.isEmpty ? 0 : 1
                }
            }
            return try await group.reduce(0, +)
        }
        finished.withLock { $0 = true }
        #expect(found == 600)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func buildingANewFileLeavesNothingWhenItFails() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("new.sqlite").path
        await #expect(throws: GeneratorError.self) {
            try await SQLiteRegister.build(newFileAt: path) { register in
                try await PopulationSeeder(store: register).run(provinceCode: "99", people: 10, seed: 1)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        let count = try await SQLiteRegister.build(newFileAt: path) { register in
            try await PopulationSeeder(store: register).run(provinceCode: "38", people: 50, seed: 1)
        }
        #expect(count == 50)
        // Already in WAL mode: the first processes to open it need not switch it, which takes the file
        // for itself and failed ("database is locked") when several commands started at once.
        let mode = try await DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(try await SQLiteRegister(path: path).residents.count() == 50)
        await #expect(throws: SQLiteRegister.BuildError.self) {
            try await SQLiteRegister.build(newFileAt: path) { _ in 0 }
        }
    }

    @Test func backupRestoresTheSameResidentsAndHistory() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let register = try SQLiteRegister(path: folder.appendingPathComponent("live.sqlite").path)
        let service = RegisterService(store: register)
        _ = try await PopulationSeeder(store: register).run(provinceCode: "38", people: 120, seed: 2)
        _ = try await service.correct(id: 3, patch: ["religion": "Công giáo"], expectedVersion: nil, actor: "t", reason: "sửa")
        let copyPath = folder.appendingPathComponent("copy.sqlite").path
        try register.backup(to: copyPath)
        let copy = try SQLiteRegister(path: copyPath)
        #expect(try await copy.residents.count() == 120)
        #expect(try await copy.residents.history(id: 3).map(\.version.number) == [2, 1])
    }
}
