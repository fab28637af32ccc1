import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird
import NIOCore

/// An error answered to a client: a status, a stable code and a message (and, for invalid records,
/// the problem per field). Every domain error maps here, in one place.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let problems: [FieldProblem]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, problems: [FieldProblem] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.problems = problems
    }

    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
    static let notFound = APIError(.notFound, "not_found", "no such record")
    static let unauthenticated = APIError(.unauthorized, "unauthenticated", "sign in, or send a valid bearer token")
    static let forbidden = APIError(.forbidden, "forbidden", "your role does not allow this")
    static let csrf = APIError(.forbidden, "csrf", "the form is out of date; reload the page and try again")
    static let rateLimited = APIError(.tooManyRequests, "rate_limited", "too many requests with this token; slow down")

    /// The one mapping from errors anywhere below to what the client sees. Unknown errors become a
    /// generic 500 whose details go to the log only.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let error as StoreError:
            switch error {
            case .notFound: return .notFound
            case .duplicatePIN, .duplicateOldID, .versionConflict: return APIError(.conflict, error.code, error.message)
            case .invalid(let problems): return APIError(.unprocessableContent, error.code, error.message, problems: problems)
            case .bucketExhausted: return APIError(.conflict, error.code, error.message)
            case .unknownHousehold: return APIError(.unprocessableContent, error.code, error.message)
            case .unavailable, .busy: return APIError(.serviceUnavailable, error.code, error.message)
            case .corrupt: return nil  // a server fault: logged by type, answered as a 500
            }
        case let error as ApplicationError: return application(error)
        case let error as BatchError:
            let status: HTTPResponse.Status = switch error {
            case .notFound: .notFound
            case .badSize: .badRequest
            case .nothingToProduce, .wrongState: .conflict
            }
            return APIError(status, error.code, error.description)
        case let error as SessionError:
            let status: HTTPResponse.Status = switch error {
            case .notFound: .notFound
            case .invalid, .notOpen, .outsideDates: .unprocessableContent
            case .notAssigned: .forbidden
            case .wrongState: .conflict
            }
            return APIError(status, error.code, error.description)
        case let error as PKIError: return APIError(.conflict, "pki", error.description)
        case let error as PINError: return APIError(.badRequest, error.code, error.message)
        case let error as AccountError: return APIError(.unprocessableContent, "invalid_account", error.description)
        case let error as JurisdictionError: return APIError(.unprocessableContent, "unknown_unit", error.description)
        case let error as PartialDateError: return APIError(.badRequest, "bad_date", error.message)
        case let error as HTTPError:
            switch error.status {
            case .notFound: return APIError(.notFound, "not_found", "no such resource")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method_not_allowed", "this method is not allowed here")
            case .contentTooLarge: return APIError(.contentTooLarge, "too_large", "the request body is too large")
            default: return APIError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
            }
        case is NIOTooManyBytesError: return APIError(.contentTooLarge, "too_large", "the request body is too large")
        default: return nil
        }
    }
}

extension APIError {
    static func application(_ error: ApplicationError) -> APIError {
        let status: HTTPResponse.Status = switch error {
        case .unknownResident, .notFound: .notFound
        case .ineligible, .recordIncomplete, .referenceDataMissing, .biometricsMissing, .badBiometric: .unprocessableContent
        case .openApplicationExists, .stateChanged: .conflict
        case .rule(.wrongActor): .forbidden
        case .rule(.transitionNotAllowed): .conflict
        case .rule: .unprocessableContent
        }
        let problems: [FieldProblem] = if case .recordIncomplete(let problems) = error { problems } else { [] }
        return APIError(status, error.code, error.description, problems: problems)
    }
}

struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let problems: [FieldProblem]?
    }
    let error: Detail
}
