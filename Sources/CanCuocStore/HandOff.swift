import Dispatch
import Synchronization

/// Passes items from one thread to another with at most `capacity` waiting, so a producer that runs
/// ahead waits instead of filling memory. Both sides block: only for threads of their own (an import's
/// reader and the load's writer), never Swift's cooperative threads.
///
/// Hand-written because the two sides are synchronous: the load runs inside the database's write
/// closure, where neither `AsyncChannel` nor any other async queue can be awaited.
final class HandOff<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let free = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        // Raised from zero rather than created at `capacity`: libdispatch traps when a semaphore is
        // freed below the value it was created with, which is the case when a load stops with items
        // still queued.
        for _ in 0..<capacity { free.signal() }
    }

    /// Waits for room, then queues the item. False when the consumer has stopped (the item is dropped).
    func put(_ item: Item) -> Bool {
        free.wait()
        let queued = state.withLock { state in
            guard !state.closed else { return false }
            state.items.append(item)
            return true
        }
        if queued { ready.signal() } else { free.signal() }
        return queued
    }

    /// Waits for the next item.
    func take() -> Item {
        ready.wait()
        let item = state.withLock { $0.items.removeFirst() }
        free.signal()
        return item
    }

    /// The consumer stops: a producer waiting for room, and every later `put`, gets false.
    func close() {
        state.withLock { $0.closed = true }
        free.signal()
    }
}
