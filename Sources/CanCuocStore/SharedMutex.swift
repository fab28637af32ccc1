import Synchronization

/// A value behind a lock that copies of a struct share (a `Mutex` cannot be copied, so a struct holding one
/// directly could not be either).
public final class SharedMutex<Value: Sendable>: Sendable {
    @usableFromInline let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// Inlinable: stores call it once per audit batch, from other modules.
    @inlinable public func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}
