import PostgresNIO

extension PostgresConnection {
    /// Runs `body` between BEGIN and COMMIT (ROLLBACK when it throws), rethrowing the body's own error
    /// unwrapped, so store errors reach callers as they are.
    func inTransaction<T>(logger: Logger, isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await query("BEGIN", logger: logger)
        do {
            let result = try await body(self)
            try await query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
