import Dispatch
import Synchronization

/// Lets synchronous code wait for async work. Only for a thread of its own (the streaming import's
/// producer), never a thread of Swift's cooperative pool, which blocking could starve.
enum AsyncWait {
    final class Slot<T: Sendable>: Sendable {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let slot = Slot<T>()
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            slot.result.withLock { $0 = outcome }
            slot.done.signal()
        }
        slot.done.wait()
        return try slot.result.withLock { $0! }.get()
    }
}
