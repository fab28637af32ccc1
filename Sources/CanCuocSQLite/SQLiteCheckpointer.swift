import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file from a connection of its own, so that no commit waits
/// for it. SQLite's automatic checkpoint runs inside the commit that takes the log past 1,000 pages: that
/// commit then writes the pages into the file and syncs it, and every request queued behind the writer
/// (each audited read waits for its entry's commit) waited 10–20 ms. GRDB has no background checkpoint,
/// hence this small loop.
///
/// A passive checkpoint never blocks the writer or the readers. Under a steady stream of commits it never
/// finds the log wholly copied at a moment the writer could start it over, so once the log passes
/// `restartFrames` the round also asks the pool's writer for a passive checkpoint of its own: by then
/// nearly every page is copied, and as no commit can come in between, the writer's next commit starts
/// the log over (the pool's `journal_size_limit` keeps the file at that size). A restarting checkpoint
/// from here would hold the writer's lock while it waits for readers, which stalled commits by 20-30 ms.
///
/// The rounds run on a thread of its own, on one connection kept under `state`'s lock; `deinit` takes the
/// lock and closes it, so once the register is gone no connection of ours is left open on the file
/// (another program may open it at once).
final class SQLiteCheckpointer: Sendable {
    /// Frames (pages) after which the log is started over: 64 MB of 4 KB pages.
    static let restartFrames = 16_384
    /// The log file's size limit (the pool's `journal_size_limit`), in bytes.
    static let logSizeLimit = restartFrames * 4096

    private let state: State

    private final class State: Sendable {
        let lock = Mutex<(stopped: Bool, connection: DatabaseQueue?)>((false, nil))
    }

    init(pool: DatabasePool, path: String, interval: TimeInterval = 0.25) {
        let state = State()
        self.state = state
        Thread.detachNewThread { [weak pool] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                let stopped = state.lock.withLock { state in
                    guard !state.stopped else { return true }
                    if state.connection == nil { state.connection = SQLiteCheckpointer.open(path) }
                    guard let connection = state.connection, let frames = try? connection.writeWithoutTransaction({ db in
                        try db.checkpoint(.passive).walFrameCount
                    }) else {
                        // The file busy or gone: try again next round, on a new connection.
                        try? state.connection?.close()
                        state.connection = nil
                        return false
                    }
                    if frames >= SQLiteCheckpointer.restartFrames {
                        _ = try? pool?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                    }
                    return false
                }
                if stopped { return }
            }
        }
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
