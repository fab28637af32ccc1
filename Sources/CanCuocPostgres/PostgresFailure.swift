import CanCuocCore
import CanCuocStore
import PostgresNIO
import _ConnectionPoolModule

/// Turns driver errors into the store's own errors and into messages a person can act on.
/// PSQLError's own description is deliberately generic, so the useful fields are read here.
enum PostgresFailure {
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// True when the database could not be reached or the connection dropped.
    static func isUnavailable(_ error: any Error) -> Bool {
        if error is ConnectionPoolError { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection: return true
        case .server:
            // 57P01..03: admin shutdown, crash shutdown, cannot connect now; 25006: read-only (a standby).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state == "25006" || state.hasPrefix("08")
        default: return false
        }
    }

    /// Maps unique and foreign-key violations and lost connections; anything else is rethrown as is.
    static func map(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        if isUnavailable(error) { return StoreError.unavailable }
        guard let psql = error as? PSQLError, let info = psql.serverInfo else { return error }
        let constraint = info[.constraintName] ?? ""
        switch info[.sqlState] {
        case "23505":
            if constraint.contains("old_id") { return StoreError.duplicateOldID }
            if constraint.contains("pin") { return StoreError.duplicatePIN(pinFromDetail(info[.detail]) ?? "") }
            return error
        case "23503":
            return StoreError.invalid([FieldProblem(field: "household_id", code: "unknown_household", message: "the household does not exist")])
        default:
            return error
        }
    }

    /// "Key (pin)=(038090000123) already exists." → the PIN.
    static func pinFromDetail(_ detail: String?) -> String? {
        guard let detail, let open = detail.range(of: ")=("), let close = detail[open.upperBound...].firstIndex(where: { $0 == ")" || $0 == "," }) else { return nil }
        return String(detail[open.upperBound..<close])
    }

    /// A one-line explanation for the command line.
    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                return [info[.message], info[.detail]].compactMap { $0 }.joined(separator: " ") + " (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        if error is ConnectionPoolError { return "no connection to the database could be made" }
        return "\(error)"
    }
}
