import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/api/v1/residents`: search, read, history, as-of, create, correct, re-establish the PIN.
struct ResidentsController {
    let service: RegisterService
    let catalog: AdminUnitCatalog
    let metrics: AppMetrics
    let audit: AuditRecorder

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

    /// What an agency (bank, land office) learns when it verifies a PIN: enough to confirm identity, no more.
    struct Verification: Encodable {
        let pin: String
        let fullName: String
        let birthDate: PartialDate
        let sex: Sex
        let alive: Bool
        let oldIdNumber: String?

        enum CodingKeys: String, CodingKey {
            case pin, fullName = "full_name", birthDate = "birth_date", sex, alive, oldIdNumber = "old_id_number"
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiResidents) { request, context in try await search(ResidentQuery(parameters: request.uri.queryParameters, catalog: catalog, personalAllowed: false), request, context) }
        // Personal criteria (PIN, old ID, name, date of birth) travel in the body, never in the URL.
        router.post(Routes.apiResidentSearch) { request, context in
            var fields: [(Substring, Substring)] = []
            for (key, value) in try await JSONResponse.object(from: request, context: context) {
                switch value {
                case let text as String: fields.append((Substring(key), Substring(text)))
                case let number as NSNumber: fields.append((Substring(key), Substring(number.stringValue)))
                default: throw APIError.badRequest("bad_field", "\(key) must be a string or a number")
                }
            }
            let parameters = Parameters(fields.map { (key: $0.0, value: $0.1) })
            return try await search(ResidentQuery(parameters: parameters, catalog: catalog, personalAllowed: true), request, context,
                                    purpose: parameters.get("purpose"))
        }
        router.post(Routes.apiResidents) { request, context in try await create(request, context) }
        router.get(Routes.apiResident) { request, context in try await get(request, context) }
        router.patch(Routes.apiResident) { request, context in try await correct(request, context) }
        router.get(Routes.apiResidentHistory) { request, context in try await history(request, context) }
        router.get(Routes.apiResidentAsOf) { request, context in try await asOf(request, context) }
        router.post(Routes.apiResidentPINReestablishment) { request, context in try await reestablish(request, context) }
        router.get(Routes.apiHousehold) { request, context in try await household(request, context) }
    }

    /// The purpose a caller states (header `X-Purpose`, or `purpose` in a search body). Agency clients must
    /// state one: it goes into the audit trail.
    static func purpose(_ request: Request, _ given: String?, identity: Identity) throws -> String {
        let purpose = (given ?? request.headers[.init("X-Purpose")!] ?? "").trimmed
        if identity.account.role == .agency, purpose.isEmpty {
            throw APIError.badRequest("purpose_required", "state the purpose of the look-up (header X-Purpose)")
        }
        return String(purpose.prefix(200))
    }

    func search(_ query: ResidentQuery, _ request: Request, _ context: AppRequestContext, purpose given: String? = nil) async throws -> Response {
        let (register, identity) = try context.register(store, for: .readResidents)
        let purpose = try Self.purpose(request, given, identity: identity)
        guard !query.isEmpty else {
            throw APIError.badRequest("no_criteria", "give at least one of pin, old_id, name, birth_date, commune")
        }
        let page = try await register.search(query)
        try await audit.recordSearch(listing: page.items, purpose: purpose, request: request, context: context)
        var json = "{\"has_more\":\(page.hasMore),\"items\":["
        for (index, item) in page.items.enumerated() {
            if index > 0 { json += "," }
            ResidentJSON.versioned(item, into: &json)
        }
        json += "],\"page\":\(page.page),\"per_page\":\(page.perPage)}"
        return JSONResponse.raw(json)
    }

    /// `/api/v1/residents/{id or PIN}`: a 12-digit key is a PIN. Officers get the record; agency clients
    /// (verification only) get the `Verification` answer.
    func get(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = context.parameters.get("id") ?? ""
        let byPIN = key.count == 12 && key.allSatisfy(\.isNumber)
        // A PIN look-up is a verification (agencies may do it); a look-up by record id is a register read.
        let identity = try context.require(byPIN ? .verifyResidents : .readResidents)
        let full = identity.permissions.contains(.readResidents)
        let register = ScopedRegister(store: store, jurisdiction: identity.jurisdiction)
        let purpose = try Self.purpose(request, nil, identity: identity)
        let found = byPIN ? try await register.resident(pin: try PIN(key, bornAbroad: true)) : try await register.resident(id: try id(context))
        guard let record = found else {
            try await audit.record(full ? "resident.read" : "resident.verify", purpose: purpose, outcome: "not-found", request: request, context: context)
            throw APIError.notFound
        }
        try await audit.record(full ? "resident.read" : "resident.verify", target: "resident:\(record.resident.id)", purpose: purpose, request: request, context: context)
        if full { return JSONResponse.record(record) }
        let r = record.resident
        return try JSONResponse.make(Verification(pin: r.pin?.digits ?? key, fullName: r.fullName, birthDate: r.birthDate, sex: r.sex,
                                                  alive: r.deathDate == nil && r.missingSince == nil, oldIdNumber: r.oldIdNumber))
    }

    func history(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, _) = try context.register(store, for: .readResidents)
        let id = try id(context)
        let versions = try await register.history(id: id)
        guard !versions.isEmpty else { throw APIError.notFound }
        try await audit.record("resident.history", target: "resident:\(id)", request: request, context: context)
        var json = "{\"id\":\(id),\"versions\":["
        for (index, version) in versions.enumerated() {
            if index > 0 { json += "," }
            ResidentJSON.versioned(version, into: &json)
        }
        return JSONResponse.raw(json + "]}")
    }

    /// The state at the end of the given day (Viet Nam time).
    func asOf(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, _) = try context.register(store, for: .readResidents)
        let date = try LocalDate(iso: context.parameters.get("date") ?? "")
        let id = try id(context)
        guard let record = try await register.resident(id: id, asOf: date.endInstant) else {
            throw APIError(.notFound, "not_found", "the record did not exist on \(date)")
        }
        try await audit.record("resident.as-of", target: "resident:\(id)", request: request, context: context)
        return JSONResponse.record(record)
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (_, identity) = try context.register(store, for: .writeResidents)
        let body = try await JSONResponse.decode(CreateRequest.self, from: request, context: context)
        guard identity.jurisdiction.contains(body.resident) else {
            throw APIError(.unprocessableContent, "outside_jurisdiction", "the permanent residence is outside your area; the police of that area register this person")
        }
        let created = try await service.create(body.resident, actor: identity.account.username, reason: body.reason)
        try await audit.record("resident.create", target: "resident:\(created.record.resident.id)", request: request, context: context)
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
        let (register, identity) = try context.register(store, for: .writeResidents)
        let id = try id(context)
        guard try await register.resident(id: id) != nil else { throw APIError.notFound }
        let body = try await JSONResponse.object(from: request, context: context)
        guard let reason = body["reason"] as? String else { throw APIError.badRequest("missing_field", "reason is required") }
        guard let changes = body["changes"] as? [String: Any] else { throw APIError.badRequest("missing_field", "changes (a JSON merge patch of the record) is required") }
        let expected = body["expected_version"] as? Int
        let record = try await service.correct(id: id, patch: changes, expectedVersion: expected, actor: identity.account.username, reason: reason)
        try await audit.record("resident.correct", target: "resident:\(id)", request: request, context: context)
        metrics.residentsCorrected.increment()
        return JSONResponse.record(record)
    }

    func reestablish(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, identity) = try context.register(store, for: .writeResidents)
        let id = try id(context)
        guard try await register.resident(id: id) != nil else { throw APIError.notFound }
        let body = try await JSONResponse.decode(ReestablishRequest.self, from: request, context: context)
        let record = try await service.reestablishPIN(id: id, sex: body.sex, birthDate: body.birthDate,
                                                      birthRegistrationProvince: body.birthRegistrationProvince,
                                                      expectedVersion: body.expectedVersion, actor: identity.account.username, reason: body.reason)
        try await audit.record("resident.pin-reestablish", target: "resident:\(id)", request: request, context: context)
        return JSONResponse.record(record)
    }

    struct HouseholdView: Encodable {
        let household: Household
        let address: String
        let members: [VersionedResident]
    }

    func household(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, _) = try context.register(store, for: .readResidents)
        guard let id = context.parameters.get("id", as: HouseholdID.self) else { throw APIError.notFound }
        guard let (household, members) = try await register.household(id: id) else { throw APIError.notFound }
        try await audit.record([("household.read", "household:\(id)")] + members.map { ("household.read", "resident:\($0.resident.id)") },
                               request: request, context: context)
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
    /// `personalAllowed` is false for criteria read from a URL: PIN, old ID, name and date of birth are
    /// personal data and must not appear in URLs (logs, proxies, browser history keep them).
    init(parameters: Parameters, catalog: AdminUnitCatalog, personalAllowed: Bool) throws {
        func text(_ key: String) -> String? {
            guard let value = parameters.get(key)?.trimmed, !value.isEmpty else { return nil }
            return value
        }
        if !personalAllowed, let key = ["pin", "old_id", "name", "birth_date"].first(where: { text($0) != nil }) {
            throw APIError.badRequest("personal_data_in_url", "\(key) is personal data: send the criteria in the body of POST /api/v1/residents/search")
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
