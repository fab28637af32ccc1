import CanCuocCore
import Foundation

/// A card application as the register keeps it, with its history of moves.
public struct ApplicationRecord: Sendable, Hashable {
    public var id: Int64
    public var provinceCode: String
    public var residentID: ResidentID
    public var pin: String
    public var kind: ApplicationKind
    public var reason: ApplicationReason?
    public var state: ApplicationState
    /// Printed on the appointment slip (CC02); the citizen's key to the public status look-up.
    public var receiptCode: String
    /// The form's or client's request id: a second submission with it returns the first application.
    public var requestID: String?
    /// Where it was taken (a desk's unit code or a mobile session).
    public var site: String
    public var applicationDate: LocalDate
    public var dueDate: LocalDate
    public var feeVND: Int
    public var exemption: String?
    /// The commune of residence when it was taken: whose police sees it in their queues.
    public var commune: UnitRef?
    /// The last working day of the stage it is in (service-level time); nil once it is over.
    public var stageDue: LocalDate?
    /// The old card or ID collected at intake (its number), if any.
    public var collectedDocument: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var events: [ApplicationEvent]

    public init(id: Int64 = 0, provinceCode: String, residentID: ResidentID, pin: String, kind: ApplicationKind, reason: ApplicationReason?,
                state: ApplicationState = .received, receiptCode: String, requestID: String?, site: String, applicationDate: LocalDate,
                dueDate: LocalDate, feeVND: Int, exemption: String?, commune: UnitRef? = nil, stageDue: LocalDate? = nil, collectedDocument: String? = nil, createdAt: Date, updatedAt: Date, events: [ApplicationEvent] = []) {
        self.id = id
        self.provinceCode = provinceCode
        self.residentID = residentID
        self.pin = pin
        self.kind = kind
        self.reason = reason
        self.state = state
        self.receiptCode = receiptCode
        self.requestID = requestID
        self.site = site
        self.applicationDate = applicationDate
        self.dueDate = dueDate
        self.feeVND = feeVND
        self.exemption = exemption
        self.commune = commune
        self.stageDue = stageDue
        self.collectedDocument = collectedDocument
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.events = events
    }

    /// Past its stage's service-level time on `day` (flagged in the queues).
    public func isOverdue(on day: LocalDate) -> Bool {
        guard let stageDue, !state.isFinal else { return false }
        return stageDue < day
    }
}

/// One move of an application: who, when, from which state to which, and why.
public struct ApplicationEvent: Sendable, Hashable {
    public var sequence: Int
    public var from: ApplicationState?
    public var to: ApplicationState
    public var actor: String
    public var at: Date
    public var note: String

    public init(sequence: Int, from: ApplicationState?, to: ApplicationState, actor: String, at: Date, note: String) {
        self.sequence = sequence
        self.from = from
        self.to = to
        self.actor = actor
        self.at = at
        self.note = note
    }
}

public enum ApplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownResident(String)
    case ineligible(String)
    case recordIncomplete([FieldProblem])
    case openApplicationExists(id: Int64, receiptCode: String)
    case notFound(Int64)
    case rule(ApplicationRuleError)
    /// Someone else moved it first (concurrent approvals: only one succeeds).
    case stateChanged(expected: ApplicationState, actual: ApplicationState)
    /// The holiday calendar or the fee schedule does not cover the application.
    case referenceDataMissing(String)
    /// The application cannot leave the desk before these are captured.
    case biometricsMissing([BiometricKind])
    /// A captured image (or declaration) that cannot be accepted.
    case badBiometric(String)

    public var code: String {
        switch self {
        case .unknownResident: "unknown_resident"
        case .ineligible: "not_eligible"
        case .recordIncomplete: "record_needs_correction"
        case .openApplicationExists: "open_application_exists"
        case .notFound: "not_found"
        case .rule(.wrongActor): "wrong_role"
        case .rule: "not_allowed"
        case .stateChanged: "state_changed"
        case .referenceDataMissing: "reference_data_missing"
        case .biometricsMissing: "biometrics_missing"
        case .badBiometric: "bad_biometric"
        }
    }

    public var description: String {
        switch self {
        case .unknownResident(let pin): "no resident with PIN \(pin)"
        case .ineligible(let reason): "not eligible for a card: \(reason)"
        case .recordIncomplete(let problems):
            "the register's record must be corrected first: " + problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case let .openApplicationExists(id, code): "the resident already has an open application (\(id), receipt \(code))"
        case .notFound(let id): "no application \(id)"
        case .rule(let error): error.description
        case let .stateChanged(expected, actual): "the application was moved meanwhile: it is \(actual.rawValue), not \(expected.rawValue)"
        case .referenceDataMissing(let message): message
        case .biometricsMissing(let kinds): "capture first: " + kinds.map(\.rawValue).joined(separator: ", ")
        case .badBiometric(let message): message
        }
    }
}

/// Card applications. One write transaction per invariant: at most one open application per resident, a
/// request id creates one application, a move happens only from the state it was decided on.
public protocol ApplicationStore: Sendable {
    /// Inserts the application with its first event; with a request id already used, returns that application
    /// and `created == false`.
    func create(_ application: ApplicationRecord, actor: String) async throws -> (record: ApplicationRecord, created: Bool)
    func application(id: Int64) async throws -> ApplicationRecord?
    /// Moves `id` from `from` to `to` if it is still in `from`; else `ApplicationError.stateChanged`.
    /// `stageDue` is the last day of the stage that starts (nil when the application's clock stops).
    func advance(id: Int64, from: ApplicationState, to: ApplicationState, actor: String, at: Date, note: String, stageDue: LocalDate?) async throws -> ApplicationRecord
    /// The application with this receipt code (the public look-up), without its history.
    func application(receiptCode: String) async throws -> ApplicationRecord?
    /// A queue: applications in the given states and area, most overdue first, without their history.
    func queue(_ query: ApplicationQuery) async throws -> Page<ApplicationRecord>
    /// How many applications of the area are in each state (the queue's tabs), each count stopping at
    /// `ApplicationQuery.countCap` + 1 so that a tab costs the same at two million applications as at two hundred.
    func counts(_ query: ApplicationQuery) async throws -> [ApplicationState: Int]

    /// Stores (or replaces) biometrics of one application that is still at the desk (received), in one
    /// transaction; else `ApplicationError.stateChanged`, nothing written.
    func saveBiometrics(_ biometrics: [StoredBiometric]) async throws
    /// The application's biometrics, sealed.
    func biometrics(applicationID: Int64) async throws -> [StoredBiometric]
    /// One of them (the face, for personalisation) without reading the others.
    func biometric(applicationID: Int64, kind: BiometricKind) async throws -> StoredBiometric?
    /// Every stored biometric of applications with an id above `after`, in id order, at most `limit`
    /// applications' worth (key rotation walks them page by page).
    func sealedBiometrics(afterApplication after: Int64, limit: Int) async throws -> [StoredBiometric]
    func replaceSealedBiometric(applicationID: Int64, kind: BiometricKind, sealed: Data) async throws
}
