import GRDB

extension DatabaseReader {
    /// Runs a read of a few rows by an index (a token, a PIN) on the calling thread. GRDB's async read
    /// sends every read to a reader's dispatch queue and back, two thread switches that cost more than the
    /// read itself and made most of a look-up's latency. Blocking the caller is safe here: the body
    /// touches a handful of pages, and a caller finding all readers busy waits for reads that run on
    /// their own dispatch queues, never for the caller's own thread pool.
    func pointRead<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }
}
