import CanCuocCore
import Foundation

/// Intake and moves of card applications: the register's record is checked, the law of the application date
/// decides eligibility, reasons, fee and deadline; the store keeps the invariants.
public struct ApplicationService: Sendable {
    public let store: any RegisterStore
    public let calendar: HolidayCalendar
    public let fees: FeeSchedule
    public let catalog: AdminUnitCatalog
    public let clock: @Sendable () -> Date
    /// Worked out once: the deadline of every intake depends on it.
    let remoteDistricts: Set<String>

    public init(store: any RegisterStore, calendar: HolidayCalendar = .shipped, fees: FeeSchedule = .shipped,
                catalog: AdminUnitCatalog = .shared, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.calendar = calendar
        self.fees = fees
        self.catalog = catalog
        self.clock = clock
        remoteDistricts = ProcessingDeadline.remoteDistricts(catalog)
    }

    public struct Intake: Sendable {
        public var pin: PIN
        public var kind: ApplicationKind
        public var reason: ApplicationReason?
        public var date: LocalDate
        public var site: String
        public var requestID: String?
        public var declaredExemptions: Set<FeeSchedule.Exemption>
        /// The number of the old card or ID the desk collects (9 or 12 digits).
        public var collectedDocument: String?

        public init(pin: PIN, kind: ApplicationKind, reason: ApplicationReason?, date: LocalDate, site: String,
                    requestID: String? = nil, declaredExemptions: Set<FeeSchedule.Exemption> = [], collectedDocument: String? = nil) {
            self.collectedDocument = collectedDocument
            self.pin = pin
            self.kind = kind
            self.reason = reason
            self.date = date
            self.site = site
            self.requestID = requestID
            self.declaredExemptions = declaredExemptions
        }
    }

    public func create(_ intake: Intake, actor: String) async throws -> (record: ApplicationRecord, created: Bool) {
        guard let versioned = try await store.residents.resident(pin: intake.pin) else { throw ApplicationError.unknownResident(intake.pin.digits) }
        return try await create(intake, for: versioned.resident, actor: actor)
    }

    /// Intake for a resident already looked up (the server looks up within the officer's area first).
    public func create(_ intake: Intake, for resident: Resident, actor: String) async throws -> (record: ApplicationRecord, created: Bool) {
        if intake.site.hasPrefix("session:") { try await checkSession(intake.site, on: intake.date, actor: actor) }
        let eligibility = CardEligibility(resident: resident, on: intake.date)
        if case .refused(let refusal) = eligibility.decision { throw ApplicationError.ineligible(refusal.message) }
        let problems = recordProblems(resident, on: intake.date)
        guard problems.isEmpty else { throw ApplicationError.recordIncomplete(problems) }
        if let document = intake.collectedDocument, !((document.count == 9 || document.count == 12) && document.allSatisfy(\.isASCII) && document.allSatisfy(\.isNumber)) {
            throw ApplicationError.recordIncomplete([FieldProblem(field: "collected_document", code: "format", message: "the collected card's number has 9 or 12 digits")])
        }
        let reason: ApplicationReason?
        do { reason = try intake.kind.validate(reason: intake.reason, under: eligibility.law) } catch { throw ApplicationError.rule(error) }
        let fee: FeeSchedule.Decision
        do {
            fee = try fees.fee(on: intake.date, kind: intake.kind, reason: reason, age: eligibility.age, declared: intake.declaredExemptions)
        } catch {
            throw ApplicationError.referenceDataMissing(error.description)
        }
        let residence = (resident.permanentResidence ?? resident.currentResidence)!.unit
        let days = ProcessingDeadline.workingDays(law: eligibility.law, kind: intake.kind, area: ProcessingDeadline.area(of: residence, catalog: catalog, remoteDistricts: remoteDistricts))
        let due: LocalDate
        do { due = try calendar.adding(workingDays: days, to: intake.date) } catch { throw ApplicationError.referenceDataMissing(error.description) }
        let now = clock()
        let stageDue = try stageDue(of: .received, from: intake.date)
        let record = ApplicationRecord(
            provinceCode: resident.provinceCode, residentID: resident.id, pin: intake.pin.digits, kind: intake.kind, reason: reason,
            receiptCode: Self.receiptCode(province: resident.provinceCode), requestID: intake.requestID, site: intake.site,
            applicationDate: intake.date, dueDate: due, feeVND: fee.dueVND, exemption: fee.exemption?.rawValue,
            commune: residence, stageDue: stageDue, collectedDocument: intake.collectedDocument, createdAt: now, updatedAt: now)
        return try await store.applications.create(record, actor: actor)
    }

    /// What must be corrected in the register before an application can proceed: what the validator faults,
    /// and a missing residence (the card prints it).
    public func recordProblems(_ resident: Resident, on date: LocalDate) -> [FieldProblem] {
        var problems = ResidentValidator(catalog: catalog, today: date).problems(in: resident)
        if resident.permanentResidence == nil && resident.currentResidence == nil {
            problems.append(FieldProblem(field: "permanent_residence", code: "required", message: "the card prints the place of residence"))
        }
        return problems
    }

    /// Moves an application if the pipeline allows it from the state it is in now (and, when given, only if it
    /// is still in `expected`: a form shows a state, the move must not apply to another one). `allowed` says
    /// which of the pipeline's actors the caller may act as.
    public func advance(id: Int64, to target: ApplicationState, actor: String, note: String = "", expected: ApplicationState? = nil,
                        allowed: Set<ApplicationState.Actor> = Set(ApplicationState.Actor.allCases)) async throws -> ApplicationRecord {
        guard let current = try await store.applications.application(id: id) else { throw ApplicationError.notFound(id) }
        return try await advance(current, to: target, actor: actor, note: note, expected: expected, allowed: allowed)
    }

    /// The same for an application the caller has already read (and checked it may see).
    public func advance(_ current: ApplicationRecord, to target: ApplicationState, actor: String, note: String = "", expected: ApplicationState? = nil,
                        allowed: Set<ApplicationState.Actor> = Set(ApplicationState.Actor.allCases)) async throws -> ApplicationRecord {
        if let expected, expected != current.state { throw ApplicationError.stateChanged(expected: expected, actual: current.state) }
        let transition: ApplicationState.Transition
        do { transition = try current.state.transition(to: target) } catch { throw ApplicationError.rule(error) }
        guard allowed.contains(transition.actor) else { throw ApplicationError.rule(.wrongActor(transition)) }
        if target == .transferred {
            let missing = try await missingBiometrics(of: current)
            guard missing.isEmpty else { throw ApplicationError.biometricsMissing(missing) }
        }
        let now = clock()
        return try await store.applications.advance(id: current.id, from: current.state, to: target, actor: actor, at: now, note: note,
                                                    stageDue: try stageDue(of: target, from: LocalDate(now)))
    }

    /// Bulk approval: each of `ids` that `visible` admits and that is still transferred is approved; the others
    /// are reported (id, error code, message). At most 500 at once.
    public func approveAll(_ ids: [Int64], actor: String, note: String, allowed: Set<ApplicationState.Actor>,
                           visible: (ApplicationRecord) -> Bool) async throws -> (approved: [Int64], failed: [(id: Int64, code: String, message: String)]) {
        var approved: [Int64] = [], failed: [(id: Int64, code: String, message: String)] = []
        for id in Set(ids).sorted() {
            guard let application = try await store.applications.application(id: id), visible(application) else {
                failed.append((id, "not_found", "no such application"))
                continue
            }
            do {
                _ = try await advance(application, to: .approved, actor: actor, note: note, expected: .transferred, allowed: allowed)
                approved.append(id)
            } catch let error as ApplicationError {
                failed.append((id, error.code, error.description))
            }
        }
        return (approved, failed)
    }

    /// An application taken at a mobile session: the session is open, runs on the application date, and the
    /// officer is one of its team.
    func checkSession(_ site: String, on date: LocalDate, actor: String) async throws {
        guard let id = Int64(site.dropFirst("session:".count)), let session = try await store.sessions.session(id: id) else {
            throw SessionError.notFound(Int64(site.dropFirst("session:".count)) ?? 0)
        }
        guard session.state == .open else { throw SessionError.notOpen(id, session.state) }
        guard session.startsOn <= date, date <= session.endsOn else { throw SessionError.outsideDates(id, from: session.startsOn, to: session.endsOn) }
        guard session.officers.contains(actor) else { throw SessionError.notAssigned(id) }
    }

    // MARK: Production batches

    /// Groups up to `size` approved applications of these provinces into a new batch.
    public func createBatch(provinceCodes: Set<String>, size: Int, actor: String) async throws -> ProductionBatch {
        try await store.batches.create(provinceCodes: provinceCodes, limit: size, actor: actor, at: clock())
    }

    /// The printer has printed the exported batch: its cards' applications become printed. The applications
    /// move first (only those still personalised), then the batch: run again after an interruption, it finishes.
    public func markPrinted(batchID: Int64, actor: String) async throws -> Int {
        try await moveBatch(batchID, from: .exported, to: .printed, applications: (.personalised, .printed), actor: actor, note: "in thẻ")
    }

    /// The printed cards leave for their return points.
    public func markDispatched(batchID: Int64, actor: String) async throws -> Int {
        try await moveBatch(batchID, from: .printed, to: .dispatched, applications: (.printed, .dispatched), actor: actor, note: "chuyển nơi trả")
    }

    func moveBatch(_ batchID: Int64, from: ProductionBatch.State, to: ProductionBatch.State, applications: (ApplicationState, ApplicationState),
                   actor: String, note: String) async throws -> Int {
        guard let batch = try await store.batches.batch(id: batchID) else { throw BatchError.notFound(batchID) }
        guard batch.state == from else { throw BatchError.wrongState(expected: from, actual: batch.state) }
        let now = clock()
        let moved = try await store.batches.advanceApplications(batchID: batchID, from: applications.0, to: applications.1, actor: actor, at: now,
                                                                note: "\(note), lô \(batchID)", stageDue: try stageDue(of: applications.1, from: LocalDate(now)))
        try await store.batches.setState(batchID: batchID, from: from, to: to, exportedTo: nil, at: now)
        return moved
    }

    /// The biometrics the law and the applicant's age on the application date require.
    public func requiredBiometrics(of application: ApplicationRecord) async throws -> [BiometricKind] {
        guard let resident = try await store.residents.resident(id: application.residentID)?.resident else { throw ApplicationError.unknownResident(application.pin) }
        let eligibility = CardEligibility(resident: resident, on: application.applicationDate)
        return BiometricKind.required(law: eligibility.law, age: eligibility.age)
    }

    /// Those of them not captured yet (`captured`: the stored ones, when the caller has read them already).
    public func missingBiometrics(of application: ApplicationRecord, captured: [StoredBiometric]? = nil) async throws -> [BiometricKind] {
        var list = captured
        if list == nil { list = try await store.applications.biometrics(applicationID: application.id) }
        let stored = Set((list ?? []).map(\.kind))
        return try await requiredBiometrics(of: application).filter { !stored.contains($0) }
    }

    /// The last working day of the stage that starts in `state` on `day`; nil when no clock runs.
    public func stageDue(of state: ApplicationState, from day: LocalDate) throws -> LocalDate? {
        guard let days = state.serviceLevelWorkingDays else { return nil }
        do { return try calendar.adding(workingDays: days, to: day) } catch { throw ApplicationError.referenceDataMissing(error.description) }
    }

    /// The province code and 10 random characters from an alphabet without look-alikes (no 0/O, 1/I/L),
    /// grouped for reading aloud: "38-7KQM-X4PT-R9". Unique per province (the store's index).
    static func receiptCode(province: String) -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return province + "-" + String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<10])
    }
}
