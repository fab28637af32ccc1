import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file from a connection of its own, so that no commit waits
/// for it. SQLite's automatic checkpoint runs inside the commit that takes the log past 1,000 pages: that
/// commit then writes the pages into the file and syncs it, and every request queued behind the writer
/// (each audited read waits for its entry's commit) waited 10–20 ms. GRDB has no background checkpoint,
/// hence this small loop.
///
/// A passive checkpoint never blocks the writer or the readers. Under a steady stream of commits it may
/// never find the log wholly copied at a moment the writer could start it over, so once the log passes
/// `restartFrames` a restarting checkpoint waits (up to `restartWait`) for the writer and the readers, so
/// that the next commit writes the log from its start again (the pool's `journal_size_limit` keeps the
/// file at that size).
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

    init(path: String, interval: TimeInterval = 0.25, restartWait: TimeInterval = 1) {
        let stopped = Stopped()
        self.stopped = stopped
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                let done = stopped.flag.withLock { stopped in
                    if !stopped { Self.checkpoint(path: path, restartWait: restartWait) }
                    return stopped
                }
                if done { return }
            }
        }
    }

    deinit { stopped.flag.withLock { $0 = true } }

    /// One round. A failure (the file busy, gone) waits for the next round.
    private static func checkpoint(path: String, restartWait: TimeInterval) {
        var config = Configuration()
        config.busyMode = .timeout(restartWait)
        config.label = "checkpointer"
        // Opening a missing file would create an empty one.
        guard FileManager.default.fileExists(atPath: path), let connection = try? DatabaseQueue(path: path, configuration: config) else { return }
        _ = try? connection.writeWithoutTransaction { db in
            let (frames, _) = try db.checkpoint(.passive)
            if frames >= restartFrames { try db.checkpoint(.restart) }
        }
        try? connection.close()
    }
}
