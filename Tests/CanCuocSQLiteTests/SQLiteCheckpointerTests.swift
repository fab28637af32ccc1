@testable import CanCuocSQLite
import Foundation
import GRDB
import Synchronization
import Testing

/// The background checkpointer under a steady stream of commits, which never leaves the log wholly copied
/// at a moment the writer could start it over on its own.
@Suite struct SQLiteCheckpointerTests {
    /// The log's salts (header bytes 16–23) change each time SQLite starts the log over.
    static func salts(ofLogBeside path: String) throws -> Data {
        let header = try Data(contentsOf: URL(fileURLWithPath: path + "-wal")).prefix(32)
        return header.count == 32 ? header.subdata(in: 16..<24) : Data()
    }

    /// After failed tries the next ones come less and less often, at most every 33 rounds; a success
    /// brings them back to every round.
    @Test func failedRestartsAreTriedLessOften() {
        var schedule = SQLiteCheckpointer.RestartSchedule()
        /// Rounds until the schedule says to try again (the try itself included).
        func roundsToNextTry() -> Int {
            var rounds = 1
            while !schedule.due() { rounds += 1 }
            return rounds
        }
        #expect(roundsToNextTry() == 1)
        var gaps: [Int] = []
        for _ in 0..<7 {
            schedule.record(restarted: false)
            gaps.append(roundsToNextTry())
        }
        #expect(gaps == [3, 5, 9, 17, 33, 33, 33])
        schedule.record(restarted: true)
        #expect(roundsToNextTry() == 1)
    }

    /// Reads overlap all the time too, each a few milliseconds long (as officers' searches do), so that at
    /// any instant one of them still uses the log: the writer must wait for them rather than give up.
    @Test func theLogIsStartedOverWhileCommitsAndReadsKeepComing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let pool = try DatabasePool(path: path, configuration: SQLiteRegister.configuration(checkpointInBackground: true))
        try await pool.write { db in try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") }
        let first = try Self.salts(ofLogBeside: path)
        let checkpointer = SQLiteCheckpointer(pool: pool, path: path, interval: 0.02, restartFrames: 64)
        // Commits back to back on one task (so that a round never finds the log wholly copied), while this
        // one watches the log's header.
        let stop = StopFlag()
        let writing = Task {
            var commits = 0
            while !stop.raised {
                try await pool.write { db in try db.execute(sql: "INSERT INTO entries (body) VALUES (?)", arguments: [String(repeating: "x", count: 3_000)]) }
                commits += 1
            }
            return commits
        }
        let readers = (0..<3).map { index in
            Task {
                try await Task.sleep(for: .milliseconds(2 * index))
                while !stop.raised {
                    _ = try await pool.read { db in
                        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM entries")
                        Thread.sleep(forTimeInterval: 0.005)
                        return count
                    }
                }
            }
        }
        // Each start-over gives the log new salts: count three.
        var salts = first, restarts = 0
        let deadline = Date().addingTimeInterval(20)
        while restarts < 3 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
            let now = try Self.salts(ofLogBeside: path)
            if now != salts { restarts += 1; salts = now }
        }
        stop.raise()
        let commits = try await writing.value
        for reader in readers { try await reader.value }
        #expect(restarts == 3)
        // Nothing was lost on the way.
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM entries") } == commits)
        withExtendedLifetime(checkpointer) {}
    }
}

/// Tells a loop on another task to stop after its current step (cancelling would interrupt a write).
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var raised: Bool { flag.withLock { $0 } }
    func raise() { flag.withLock { $0 = true } }
}
