import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/api/v1/residents`: search, read, history, as-of, create, correct, re-establish the PIN.
struct ResidentsController {
    let service: RegisterService
    let catalog: AdminUnitCatalog
    let metrics: AppMetrics
    /// Until accounts land (issue 4) API writes are attributed to this actor.
    let actor = "api"

    var store: any RegisterStore { service.store }

    struct CreateRequest: Decodable {
        let reason: String
        let resident: Resident
    }

    struct Created: Encodable {
        let resident: Resident
        let version: RecordVersion
        let warnings: [String]
    }

    struct ReestablishRequest: Decodable {
        let reason: String
        let sex: Sex?
        let birthDate: PartialDate?
        let birthRegistrationProvince: String?
        let expectedVersion: Int?

        enum CodingKeys: String, CodingKey {
            case reason, sex, birthDate = "birth_date", birthRegistrationProvince = "birth_registration_province"
            case expectedVersion = "expected_version"
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiResidents) { request, _ in try await search(request) }
        router.post(Routes.apiResidents) { request, context in try await create(request, context) }
        router.get(Routes.apiResident) { _, context in try await get(context) }
        router.patch(Routes.apiResident) { request, context in try await correct(request, context) }
        router.get(Routes.apiResidentHistory) { _, context in try await history(context) }
        router.get(Routes.apiResidentAsOf) { _, context in try await asOf(context) }
        router.post(Routes.apiResidentPINReestablishment) { request, context in try await reestablish(request, context) }
        router.get(Routes.apiHousehold) { _, context in try await household(context) }
    }

    func search(_ request: Request) async throws -> Response {
        let query = try ResidentQuery(parameters: request.uri.queryParameters, catalog: catalog)
        guard !query.isEmpty else {
            throw APIError.badRequest("no_criteria", "give at least one of pin, old_id, name, birth_date, commune")
        }
        let page = try await store.residents.search(query)
        var json = "{\"has_more\":\(page.hasMore),\"items\":["
        for (index, item) in page.items.enumerated() {
            if index > 0 { json += "," }
            ResidentJSON.versioned(item, into: &json)
        }
        json += "],\"page\":\(page.page),\"per_page\":\(page.perPage)}"
        return JSONResponse.raw(json)
    }

    func get(_ context: AppRequestContext) async throws -> Response {
        guard let record = try await store.residents.resident(id: try id(context)) else { throw APIError.notFound }
        return JSONResponse.record(record)
    }

    func history(_ context: AppRequestContext) async throws -> Response {
        let id = try id(context)
        let versions = try await store.residents.history(id: id)
        guard !versions.isEmpty else { throw APIError.notFound }
        var json = "{\"id\":\(id),\"versions\":["
        for (index, version) in versions.enumerated() {
            if index > 0 { json += "," }
            ResidentJSON.versioned(version, into: &json)
        }
        return JSONResponse.raw(json + "]}")
    }

    /// The state at the end of the given day (Viet Nam time).
    func asOf(_ context: AppRequestContext) async throws -> Response {
        let date = try LocalDate(iso: context.parameters.get("date") ?? "")
        guard let record = try await store.residents.resident(id: try id(context), asOf: date.endInstant) else {
            throw APIError(.notFound, "not_found", "the record did not exist on \(date)")
        }
        return JSONResponse.record(record)
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(CreateRequest.self, from: request, context: context)
        let created = try await service.create(body.resident, actor: actor, reason: body.reason)
        metrics.residentsCreated.increment()
        var warnings: [String] = []
        if let warning = created.bucketWarning {
            metrics.bucketWarnings.increment()
            context.logger.warning("PIN bucket nearly full", metadata: ["bucket": "\(warning.bucket)", "issued": "\(warning.issued)"])
            warnings.append(warning.message)
        }
        var response = try JSONResponse.make(Created(resident: created.record.resident, version: created.record.version, warnings: warnings), status: .created)
        response.headers[.location] = Routes.apiResident(created.record.resident.id)
        return response
    }

    func correct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONResponse.object(from: request, context: context)
        guard let reason = body["reason"] as? String else { throw APIError.badRequest("missing_field", "reason is required") }
        guard let changes = body["changes"] as? [String: Any] else { throw APIError.badRequest("missing_field", "changes (a JSON merge patch of the record) is required") }
        let expected = body["expected_version"] as? Int
        let record = try await service.correct(id: try id(context), patch: changes, expectedVersion: expected, actor: actor, reason: reason)
        metrics.residentsCorrected.increment()
        return JSONResponse.record(record)
    }

    func reestablish(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(ReestablishRequest.self, from: request, context: context)
        let record = try await service.reestablishPIN(id: try id(context), sex: body.sex, birthDate: body.birthDate,
                                                      birthRegistrationProvince: body.birthRegistrationProvince,
                                                      expectedVersion: body.expectedVersion, actor: actor, reason: body.reason)
        return JSONResponse.record(record)
    }

    struct HouseholdView: Encodable {
        let household: Household
        let address: String
        let members: [VersionedResident]
    }

    func household(_ context: AppRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: HouseholdID.self) else { throw APIError.notFound }
        guard let household = try await store.households.household(id: id) else { throw APIError.notFound }
        let members = try await store.households.members(of: id)
        let path = catalog.fullPath(of: household.address.unit) ?? ""
        return try JSONResponse.make(HouseholdView(household: household, address: [household.address.street, path].filter { !$0.isEmpty }.joined(separator: ", "), members: members))
    }

    func id(_ context: AppRequestContext) throws -> ResidentID {
        guard let id = context.parameters.get("id", as: ResidentID.self), id > 0 else { throw APIError.notFound }
        return id
    }
}

extension ResidentQuery {
    /// Reads search criteria from query parameters (API) or form fields (console), checking each.
    init(parameters: Parameters, catalog: AdminUnitCatalog) throws {
        func text(_ key: String) -> String? {
            guard let value = parameters.get(key)?.trimmed, !value.isEmpty else { return nil }
            return value
        }
        var pin: PIN?
        if let value = text("pin") { pin = try PIN(value, bornAbroad: true) }
        var old: String?
        if let value = text("old_id") {
            guard value.count == 9, value.allSatisfy(\.isNumber) else { throw APIError.badRequest("bad_old_id", "an old identity card number has 9 digits") }
            old = value
        }
        let birth = try text("birth_date").map { try PartialDate(iso: $0) }
        var communes: [UnitRef]?
        if let code = text("commune") {
            let edition = try text("edition").map { value -> AdminEdition in
                guard let edition = AdminEdition(rawValue: value) else { throw APIError.badRequest("bad_edition", "edition is 2025-01 or 2025-07") }
                return edition
            } ?? .threeLevel
            let ref = UnitRef(edition: edition, code: code)
            guard catalog.unit(ref) != nil else { throw APIError(.badRequest, "unknown_unit", "unit \(code) does not exist in the \(edition.rawValue) list") }
            communes = catalog.communes(under: ref).map(\.reference)
        }
        func number(_ key: String, default value: Int) throws -> Int {
            guard let raw = text(key) else { return value }
            guard let parsed = Int(raw), parsed > 0 else { throw APIError.badRequest("bad_\(key)", "\(key) must be a positive whole number") }
            return parsed
        }
        self.init(pin: pin, oldIdNumber: old, name: text("name"), birthDate: birth, communes: communes,
                  page: try number("page", default: 1), perPage: try number("per_page", default: 20))
    }
}
