import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/api/v1/applications`: intake, an application with its history, moves along the pipeline, queues per
/// state and area with the overdue flag, bulk approval. Every call is limited to the caller's area.
struct ApplicationsController {
    let service: ApplicationService
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }
    var today: LocalDate { LocalDate(service.clock()) }

    struct CreateRequest: Decodable {
        let pin: String
        let kind: String
        let reason: String?
        let date: String?
        let site: String?
        let requestId: String?
        let exemptions: [String]?
        let collectedDocument: String?

        enum CodingKeys: String, CodingKey {
            case pin, kind, reason, date, site, requestId = "request_id", exemptions, collectedDocument = "collected_document"
        }
    }

    struct MoveRequest: Decodable {
        let to: String
        let note: String?
        /// The state the caller saw: the move applies only if it is still there.
        let expected: String?
    }

    struct BulkApproval: Decodable {
        let ids: [Int64]
        let note: String?
    }

    struct BulkResult: Encodable {
        struct Failure: Encodable {
            let id: Int64
            let code: String
            let message: String
        }
        let approved: [Int64]
        let failed: [Failure]
    }

    struct Queue: Encodable {
        let items: [ApplicationJSON]
        let counts: [String: Int]
        /// A count above this is shown as "cap+" (counting stops there).
        let countsCappedAt: Int
        let overdueOn: String
        let page: Int
        let perPage: Int
        let hasMore: Bool

        enum CodingKeys: String, CodingKey {
            case items, counts, countsCappedAt = "counts_capped_at", overdueOn = "overdue_on", page, perPage = "per_page", hasMore = "has_more"
        }
    }

    static let readers: Set<Permission> = [.readApplications]
    static let movers: Set<Permission> = [.takeApplications, .approveApplications, .produceCards]

    func add(to router: Router<AppRequestContext>) {
        router.post(Routes.apiApplications) { request, context in try await create(request, context) }
        router.get(Routes.apiApplications) { request, context in try await queue(request, context) }
        router.get(Routes.apiApplication) { request, context in try await get(request, context) }
        router.post(Routes.apiApplicationMoves) { request, context in try await move(request, context) }
        router.post(Routes.apiApplicationApprovals) { request, context in try await approve(request, context) }
    }

    /// Intake for a resident of the caller's area. A request id already used returns that application (200)
    /// instead of creating another (201).
    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.takeApplications)
        let body = try await JSONResponse.decode(CreateRequest.self, from: request, context: context)
        let intake = try Self.intake(body, identity: identity, today: today)
        let register = ScopedRegister(store: store, jurisdiction: identity.jurisdiction)
        guard let resident = try await register.resident(pin: intake.pin) else {
            try await audit.record("application.create", outcome: "unknown-resident", request: request, context: context)
            throw APIError(.notFound, "unknown_resident", "no resident with this PIN in your area; the police of the resident's area take the application")
        }
        let (record, created) = try await service.create(intake, for: resident.resident, actor: identity.account.username)
        try await audit.record("application.create", target: "application:\(record.id)", outcome: created ? "ok" : "repeated", request: request, context: context)
        var response = try JSONResponse.make(ApplicationJSON(record, today: today, history: true), status: created ? .created : .ok)
        response.headers[.location] = Routes.apiApplication(record.id)
        return response
    }

    /// The intake as the API and the console's form give it, checked field by field.
    static func intake(_ body: CreateRequest, identity: Identity, today: LocalDate) throws -> ApplicationService.Intake {
        let pin = try PIN(body.pin, bornAbroad: true)
        guard let kind = ApplicationKind(rawValue: body.kind) else {
            throw APIError.badRequest("bad_kind", "kind must be one of \(ApplicationKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reason = try body.reason.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }.map { text in
            guard let reason = ApplicationReason(rawValue: text) else {
                throw APIError.badRequest("bad_reason", "reason '\(text)' is unknown; reasons are \(ApplicationReason.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return reason
        }
        let date = try body.date.map { try LocalDate(iso: $0) } ?? today
        guard date <= today else { throw APIError.badRequest("date_in_future", "the application date \(date) is after today") }
        let site = (body.site ?? identity.account.unit.code).trimmed
        guard !site.isEmpty, site.count <= 64 else { throw APIError.badRequest("bad_site", "site must be 1 to 64 characters") }
        let requestID = body.requestId?.trimmed
        if let requestID, requestID.isEmpty || requestID.count > 100 {
            throw APIError.badRequest("bad_request_id", "request_id must be 1 to 100 characters")
        }
        let exemptions = try Set((body.exemptions ?? []).map { text in
            guard let exemption = FeeSchedule.Exemption(rawValue: text) else {
                throw APIError.badRequest("bad_exemption", "exemption '\(text)' is unknown; exemptions are \(FeeSchedule.Exemption.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return exemption
        })
        return .init(pin: pin, kind: kind, reason: reason, date: date, site: site, requestID: requestID, declaredExemptions: exemptions,
                     collectedDocument: body.collectedDocument.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 })
    }

    func get(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, _) = try context.applications(store, anyOf: Self.readers)
        let id = try Self.id(context)
        guard let record = try await applications.application(id: id) else { throw APIError.notFound }
        try await audit.record("application.read", target: "application:\(id)", request: request, context: context)
        return try JSONResponse.make(ApplicationJSON(record, today: today, history: true))
    }

    /// A move by the caller's role: the desk transfers, refuses, cancels and hands over; the approver approves,
    /// returns or refuses; production personalises, prints and dispatches.
    func move(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: Self.movers)
        let id = try Self.id(context)
        let body = try await JSONResponse.decode(MoveRequest.self, from: request, context: context)
        let target = try Self.state(body.to, field: "to")
        let expected = try body.expected.map { try Self.state($0, field: "expected") }
        guard let current = try await applications.application(id: id) else { throw APIError.notFound }
        let note = String((body.note ?? "").trimmed.prefix(500))
        let record = try await service.advance(current, to: target, actor: identity.account.username, note: note, expected: expected,
                                               allowed: identity.permissions.pipelineActors)
        try await audit.record("application.move", target: "application:\(id)", purpose: target.rawValue, request: request, context: context)
        return try JSONResponse.make(ApplicationJSON(record, today: today, history: true))
    }

    /// Approves many transferred applications at once; each is approved or reported, independently.
    func approve(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: [.approveApplications])
        let body = try await JSONResponse.decode(BulkApproval.self, from: request, context: context)
        guard !body.ids.isEmpty, body.ids.count <= 500 else { throw APIError.badRequest("bad_ids", "give 1 to 500 application ids") }
        let (approved, failed) = try await service.approveAll(body.ids, actor: identity.account.username, note: String((body.note ?? "").trimmed.prefix(500)),
                                                              allowed: identity.permissions.pipelineActors, visible: { applications.visible($0) != nil })
        try await audit.recordApprovals(approved, request: request, context: context)
        return try JSONResponse.make(BulkResult(approved: approved, failed: failed.map { .init(id: $0.id, code: $0.code, message: $0.message) }))
    }

    /// `?state=received,transferred&overdue=true&site=...&page=&per_page=`; most overdue first.
    func queue(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, _) = try context.applications(store, anyOf: Self.readers)
        var narrowed = try Self.query(request.uri.queryParameters, today: today)
        try Self.narrow(&narrowed, unit: request.uri.queryParameters.get("unit"), catalog: service.catalog, today: today)
        let (items, tabs) = try await applications.queue(narrowed)
        try await audit.recordQueue(listing: items.items, request: request, context: context)
        return try JSONResponse.make(Queue(
            items: items.items.map { ApplicationJSON($0, today: today, history: false) },
            counts: Dictionary(uniqueKeysWithValues: tabs.map { ($0.key.rawValue, $0.value) }), countsCappedAt: ApplicationQuery.countCap,
            overdueOn: today.description,
            page: items.page, perPage: items.perPage, hasMore: items.hasMore))
    }

    /// `unit=CODE` narrows a queue to a district or commune (of the list in force today) within the caller's area.
    static func narrow(_ query: inout ApplicationQuery, unit code: String?, catalog: AdminUnitCatalog, today: LocalDate) throws {
        guard let code, !code.isEmpty else { return }
        guard let unit = catalog.unit(code: code, on: today) else { throw APIError.badRequest("bad_unit", "unit \(code) does not exist") }
        // The unit's communes in both lists (records written before the 2025 reform name the old communes).
        switch try Jurisdiction(unit: unit.reference, catalog: catalog).scope {
        case .provinces(let codes): query.provinceCodes = codes
        case .communes(let communes): query.communes = communes.sorted { $0.description < $1.description }
        }
    }

    static func query(_ parameters: Parameters, today: LocalDate) throws -> ApplicationQuery {
        let states = try (parameters.get("state") ?? "").split(separator: ",").map { try state(String($0), field: "state") }
        let overdue = parameters.get("overdue").map { $0 == "true" || $0 == "1" } ?? false
        let page = try parameters.get("page").map { text in
            guard let n = Int(text), n >= 1 else { throw APIError.badRequest("bad_page", "page must be a positive number") }
            return n
        } ?? 1
        let perPage = try parameters.get("per_page").map { text in
            guard let n = Int(text), (1...500).contains(n) else { throw APIError.badRequest("bad_page", "per_page must be 1 to 500") }
            return n
        } ?? 50
        return ApplicationQuery(states: states, site: parameters.get("site"), overdueOn: overdue ? today : nil, page: page, perPage: perPage)
    }

    static func state(_ text: String, field: String) throws -> ApplicationState {
        guard let state = ApplicationState(rawValue: text) else {
            throw APIError.badRequest("bad_state", "\(field) '\(text)' is not a state; states are \(ApplicationState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }

    static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text) else { throw APIError.notFound }
        return id
    }
}
