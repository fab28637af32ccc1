import CanCuocStore
@testable import CanCuocSQLite
import Foundation
import GRDB
import Testing

/// The audit trail's own file: created with the register, moved out of an older register's file, never
/// replaced quietly, and copied with the register by a backup.
@Suite struct SQLiteAuditFileTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-trail-\(UUID().uuidString)")
    }

    static func draft(_ n: Int) -> AuditDraft {
        AuditDraft(time: Date(timeIntervalSince1970: 1_700_000_000 + Double(n)), actor: "officer\(n % 2)", role: "commune-officer",
                   unit: "2025-07/38", action: "resident.read", target: "resident:\(n)", purpose: "", clientAddress: "127.0.0.1", requestID: "r\(n)")
    }

    /// Appends `count` entries one by one, a signed checkpoint every 5.
    static func record(_ count: Int, on store: any AuditStore, keys: KeyRing) async throws {
        let signer = try await AuditSigner.load(from: store, keys: keys)
        let log = AuditLog(store: store, signer: signer, checkpointEvery: 5, checkpointInterval: 3600)
        for n in 1...count { try await log.record(draft(n)) }
    }

    /// A register file at `path` that keeps `entries` audit entries in its own tables, as registers did
    /// before the trail had a file of its own; migrated up to `lastMigration` (nil: all of them).
    static func registerWithEntriesInside(at path: String, entries: Int, keys: KeyRing, lastMigration: String? = "2026-12-02-audit-head-is-last-entry") async throws {
        let queue = try DatabaseQueue(path: path)
        if let lastMigration {
            try SQLiteMigrations.migrator.migrate(queue, upTo: lastMigration)
        } else {
            try SQLiteMigrations.migrator.migrate(queue)
        }
        try await record(entries, on: SQLiteAuditStore(writer: queue, keys: queue), keys: keys)
        try queue.close()
    }

    static func verify(_ register: SQLiteRegister, keys: KeyRing) async throws -> AuditVerifier.Report {
        try await AuditVerifier(store: register.audit, signer: AuditSigner.load(from: register.audit, keys: keys)).verify()
    }

    static func tables(at path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
    }

    @Test func trailFileNameFollowsTheRegister() {
        #expect(SQLiteAuditFile.path(for: "data/cancuoc.sqlite") == FileManager.default.currentDirectoryPath + "/data/cancuoc.audit.sqlite")
        #expect(SQLiteAuditFile.path(for: "/srv/register") == "/srv/register.audit")
    }

    @Test func newRegisterKeepsItsTrailInItsOwnFile() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("r.sqlite").path
        let keys = KeyRing.generate()
        do {
            let register = try SQLiteRegister(path: path)
            try await Self.record(7, on: register.audit, keys: keys)
        }
        let trail = folder.appendingPathComponent("r.audit.sqlite").path
        #expect(try Self.tables(at: trail).contains("audit_entries"))
        #expect(!(try Self.tables(at: path).contains("audit_entries")))
        let pageSize = try await DatabaseQueue(path: trail).read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
        #expect(pageSize == SQLiteAuditFile.pageSize)
        let reopened = try SQLiteRegister(path: path)
        let report = try await Self.verify(reopened, keys: keys)
        #expect(report.isIntact && report.entriesChecked == 7 && report.checkpointsChecked == 2)
    }

    /// A register of the earlier layout (the trail in the register's file) moves its entries and
    /// checkpoints into the new file when first opened, and the chain and its signatures still verify.
    @Test func olderRegisterMovesItsTrailOut() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("old.sqlite").path
        let keys = KeyRing.generate()
        try await Self.registerWithEntriesInside(at: path, entries: 12, keys: keys)
        for _ in 1...2 {
            let register = try SQLiteRegister(path: path)
            let report = try await Self.verify(register, keys: keys)
            #expect(report.isIntact && report.entriesChecked == 12 && report.checkpointsChecked == 3)
            #expect(try await register.audit.entries(target: "resident:4", limit: 5).map(\.sequence) == [4])
        }
        #expect(!(try Self.tables(at: path).contains("audit_entries")))
        #expect(!FileManager.default.fileExists(atPath: SQLiteAuditFile.path(for: path) + ".partial"))
    }

    /// A register bound to its trail whose copies of the entries are still there (it stopped before dropping
    /// them) makes the trail file again if it is lost, under the same id.
    @Test func lostTrailIsRebuiltWhileTheRegisterStillHoldsItsEntries() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("bound.sqlite").path
        let keys = KeyRing.generate()
        try await Self.registerWithEntriesInside(at: path, entries: 8, keys: keys, lastMigration: nil)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO audit_trail VALUES (1, 'bound-trail')") }
        try queue.close()
        let register = try SQLiteRegister(path: path)
        let report = try await Self.verify(register, keys: keys)
        #expect(report.isIntact && report.entriesChecked == 8 && report.checkpointsChecked == 2)
        #expect(try await register.auditWriter.read { db in try String.fetchOne(db, sql: "SELECT id FROM trail") } == "bound-trail")
    }

    /// A first start that stopped after writing the trail file and before binding the register to it leaves a
    /// file holding exactly the register's entries: the next start adopts it. A file holding anything else
    /// is not adopted.
    @Test func interruptedFirstStartIsFinishedNextTime() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keys = KeyRing.generate()
        let first = folder.appendingPathComponent("first.sqlite").path
        try await Self.registerWithEntriesInside(at: first, entries: 6, keys: keys)
        // Two copies of the older register; the first's start writes the trail that the copies' would.
        let interrupted = folder.appendingPathComponent("interrupted.sqlite").path, longer = folder.appendingPathComponent("longer.sqlite").path
        for copy in [interrupted, longer] { try FileManager.default.copyItem(atPath: first, toPath: copy) }
        do { _ = try SQLiteRegister(path: first) }
        for copy in [interrupted, longer] {
            try FileManager.default.copyItem(atPath: SQLiteAuditFile.path(for: first), toPath: SQLiteAuditFile.path(for: copy))
        }
        let report = try await Self.verify(SQLiteRegister(path: interrupted), keys: keys)
        #expect(report.isIntact && report.entriesChecked == 6)

        let queue = try DatabaseQueue(path: longer)
        try await Self.record(1, on: SQLiteAuditStore(writer: queue, keys: queue), keys: keys)
        try queue.close()
        #expect(throws: SQLiteAuditFileError.self) { try SQLiteRegister(path: longer) }
    }

    /// Deleting the trail file, or putting another register's trail in its place, does not start a new
    /// trail: the register does not open, and says why.
    @Test func registerDoesNotOpenWithoutItsOwnTrail() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.sqlite").path, other = folder.appendingPathComponent("b.sqlite").path
        let keys = KeyRing.generate()
        for register in [path, other] {
            try await Self.record(3, on: SQLiteRegister(path: register).audit, keys: keys)
        }
        let trail = SQLiteAuditFile.path(for: path)
        let aside = trail + ".aside"
        try FileManager.default.moveItem(atPath: trail, toPath: aside)
        #expect {
            try SQLiteRegister(path: path)
        } throws: { error in
            "\(error)".contains("audit trail") && "\(error)".contains("is missing")
        }
        try FileManager.default.copyItem(atPath: SQLiteAuditFile.path(for: other), toPath: trail)
        #expect {
            try SQLiteRegister(path: path)
        } throws: { error in
            "\(error)".contains("is not this register's audit trail")
        }
        try FileManager.default.removeItem(atPath: trail)
        try FileManager.default.moveItem(atPath: aside, toPath: trail)
        #expect(try await Self.verify(SQLiteRegister(path: path), keys: keys).entriesChecked == 3)

        // A new register beside a stale trail file does not adopt it.
        let fresh = folder.appendingPathComponent("c.sqlite").path
        try FileManager.default.copyItem(atPath: trail, toPath: SQLiteAuditFile.path(for: fresh))
        #expect(throws: SQLiteAuditFileError.self) { try SQLiteRegister(path: fresh) }
        await #expect(throws: SQLiteRegister.BuildError.self) {
            try await SQLiteRegister.build(newFileAt: fresh) { _ in 0 }
        }
    }

    @Test func backupCopiesTheTrailWithTheRegister() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = KeyRing.generate()
        let register = try SQLiteRegister(path: folder.appendingPathComponent("live.sqlite").path)
        try await Self.record(9, on: register.audit, keys: keys)
        let copyPath = folder.appendingPathComponent("copy.sqlite").path
        try register.backup(to: copyPath)
        let report = try await Self.verify(SQLiteRegister(path: copyPath), keys: keys)
        #expect(report.isIntact && report.entriesChecked == 9 && report.checkpointsChecked == 2)
    }
}
