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
/// Each round opens and closes its connection on a thread of its own, holding `stopped`'s lock; `deinit`
/// takes the lock, so once the register is gone no connection of ours is left open on the file (another
/// program may open it at once).
final class SQLiteCheckpointer: Sendable {
    /// Frames (pages) after which the log is started over: 64 MB of 4 KB pages.
    static let restartFrames = 16_384

    private let stopped: Stopped

    private final class Stopped: Sendable {
        let flag = Mutex(false)
    }

    init(pool: DatabasePool, path: String, interval: TimeInterval = 0.25) {
        let stopped = Stopped()
        self.stopped = stopped
        Thread.detachNewThread { [weak pool] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                let done = stopped.flag.withLock { stopped in
                    if !stopped, SQLiteCheckpointer.checkpoint(path: path) >= SQLiteCheckpointer.restartFrames {
                        _ = try? pool?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                    }
                    return stopped
                }
                if done { return }
            }
        }
    }

    deinit { stopped.flag.withLock { $0 = true } }

    /// One round: the frames in the log (0 when the round failed: the file busy or gone; the next round
    /// tries again).
    private static func checkpoint(path: String) -> Int {
        var config = Configuration()
        config.label = "checkpointer"
        // Opening a missing file would create an empty one.
        guard FileManager.default.fileExists(atPath: path), let connection = try? DatabaseQueue(path: path, configuration: config) else { return 0 }
        defer { try? connection.close() }
        return (try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive).walFrameCount }) ?? 0
    }
}
