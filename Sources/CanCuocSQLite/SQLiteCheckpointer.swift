import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log into the database file from a connection of its own, so that no commit waits
/// for it. SQLite's automatic checkpoint runs inside the commit that takes the log past 1,000 pages: that
/// commit then writes the pages into the file and syncs it, and every request queued behind the writer
/// (each audited read waits for its entry's commit) waited 10–20 ms. GRDB has no background checkpoint,
/// hence this small loop.
///
/// A passive checkpoint never blocks the writer or the readers. Under a steady stream of commits it never
/// finds the log wholly copied at a moment the writer could start it over, so once the log passes
/// `restartFrames` the round catches up and then asks the pool's writer for a restarting checkpoint of
/// its own: no commit can come in between, so it copies the last few frames and, once the reads still
/// using the log are done, the writer's next commit starts the log over (the pool's `journal_size_limit`
/// keeps the file at that size). Before catching up, such a checkpoint held the commits while it copied
/// a whole round's worth of the log (20-30 ms).
///
/// SQLite syncs the database file only in a checkpoint that reaches the log's end, which under load is
/// only ever the writer's. That sync then flushed every page the rounds had copied since the last
/// restart while all commits waited: 70–100 ms every two or three seconds at 2,000 audited reads/s, and
/// each request arriving meanwhile waited as long. So every round flushes the file itself, and the
/// writer finds a few frames to copy and little to flush: 2–12 ms under PIN look-ups; with the wait for
/// reads (below), 26–48 ms under name searches at 4 connections and up to 136 ms at 64.
///
/// The rounds run on a thread of its own, on one connection kept under `state`'s lock; `deinit` takes the
/// lock and closes it, so once the register is gone no connection of ours is left open on the file
/// (another program may open it at once).
final class SQLiteCheckpointer: Sendable {
    /// Frames (pages) after which the log is started over: 256 MB of 4 KB pages. A restart holds the commits
    /// while the writer syncs the log and the file (the last frames' copy): at 64 MB that came about once a
    /// second under PIN look-ups at 4 connections, and p99 was 3.6-4.8 ms against 2.9-3.2 ms now. Readers
    /// search only the frames not yet copied, so a longer log does not slow them.
    static let restartFrames = 65_536
    /// The log file's size limit (the pool's `journal_size_limit`), in bytes.
    static let logSizeLimit = restartFrames * 4096

    private let state: State

    private final class State: Sendable {
        let lock = Mutex<(stopped: Bool, connection: DatabaseQueue?)>((false, nil))
    }

    init(pool: DatabasePool, path: String, interval: TimeInterval = 0.25, restartFrames: Int = SQLiteCheckpointer.restartFrames) {
        let state = State()
        self.state = state
        Thread.detachNewThread { [weak pool] in
            // Frames copied as of the last round: a round that copied nothing new does not flush.
            var copied = 0
            var schedule = RestartSchedule()
            while true {
                Thread.sleep(forTimeInterval: interval)
                let stopped = state.lock.withLock { state in
                    guard !state.stopped else { return true }
                    if state.connection == nil { state.connection = SQLiteCheckpointer.open(path) }
                    guard let connection = state.connection, let frames = SQLiteCheckpointer.copy(on: connection, copiedBefore: copied) else {
                        // The file busy or gone: try again next round, on a new connection.
                        try? state.connection?.close()
                        state.connection = nil
                        return false
                    }
                    copied = frames.copied
                    if frames.total >= restartFrames, schedule.due() {
                        let restarted = SQLiteCheckpointer.restart(pool: pool, connection: connection, after: frames)
                        schedule.record(restarted: restarted)
                        if restarted { copied = 0 }
                    }
                    return false
                }
                if stopped { return }
            }
        }
    }

    /// The log's frame count and how many of its frames are copied into the file.
    typealias Frames = (total: Int, copied: Int)

    /// When to try starting the log over: every round, and after failed tries less and less often (a long
    /// read, such as a backup, holds the log), letting at most 32 rounds pass between tries.
    struct RestartSchedule {
        private var wait = 0, failures = 0

        /// Whether this round should try; counts down the rounds to let pass.
        mutating func due() -> Bool {
            guard wait == 0 else { wait -= 1; return false }
            return true
        }

        mutating func record(restarted: Bool) {
            failures = restarted ? 0 : failures + 1
            wait = restarted ? 0 : 1 << min(failures, 5)
        }
    }

    /// Frames left to copy under which the writer is asked to finish.
    static let writerBacklogFrames = 256
    /// Back-to-back rounds at most before the writer is asked anyway (commits may outrun the copying).
    static let catchUpRounds = 20

    /// A round: copies the log's frames that no reader still needs into the file and flushes the file if
    /// it copied any past `copiedBefore`. Returns the log's frame count and how many of them are copied.
    private static func copy(on connection: DatabaseQueue, copiedBefore: Int) -> Frames? {
        try? connection.writeWithoutTransaction { db in
            let frames = try db.checkpoint(.passive)
            if frames.checkpointedFrameCount != copiedBefore { syncDatabaseFile(db) }
            return (frames.walFrameCount, frames.checkpointedFrameCount)
        }
    }

    /// How long the writer waits for reads that began before the log was wholly copied.
    static let readerWaitMilliseconds: Int32 = 20

    /// Catches up with the log in back-to-back rounds, each copying what the commits added during the
    /// previous one, and then has the writer copy the last few frames and start the log over. Returns
    /// whether it did.
    ///
    /// The log can be started over only when no read still uses it. A passive checkpoint by the writer
    /// left that to its next commit, which gave up if a single read was under way: with officers' name
    /// searches at 64 connections that was always the case, and the log grew past 380 MB in a minute. The
    /// writer's restarting checkpoint waits for those reads (new ones read the file, the log being wholly
    /// copied), at most `readerWaitMilliseconds`, holding the commits meanwhile.
    private static func restart(pool: DatabasePool?, connection: DatabaseQueue, after first: Frames) -> Bool {
        var frames = first
        for _ in 0..<catchUpRounds where frames.total - frames.copied > writerBacklogFrames {
            guard let next = copy(on: connection, copiedBefore: frames.copied) else { return false }
            frames = next
        }
        guard let pool else { return false }
        do {
            return try pool.writeWithoutTransaction { db in
                // Holding the commits, the writer waits for reads no longer than this (its usual wait is for
                // another process's write).
                sqlite3_busy_timeout(db.sqliteConnection, readerWaitMilliseconds)
                defer { sqlite3_busy_timeout(db.sqliteConnection, SQLiteRegister.busyTimeoutMilliseconds) }
                _ = try db.checkpoint(.restart)
                return true
            }
        } catch {
            return false
        }
    }

    /// Flushes the database file through the connection's own file handle (SQLite's `xSync`): opening and
    /// closing another descriptor on the file would drop the process's POSIX locks on it, SQLite's included.
    private static func syncDatabaseFile(_ db: Database) {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
              let file, let sync = file.pointee.pMethods?.pointee.xSync else { return }
        _ = sync(file, SQLITE_SYNC_NORMAL)
    }

    deinit {
        state.lock.withLock { state in
            state.stopped = true
            try? state.connection?.close()
            state.connection = nil
        }
    }

    private static func open(_ path: String) -> DatabaseQueue? {
        var config = Configuration()
        config.label = "checkpointer"
        // Opening a missing file would create an empty one.
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? DatabaseQueue(path: path, configuration: config)
    }
}
