import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// The officers' web console: resident search and the resident page.
struct ConsoleController {
    let service: RegisterService
    let pages: ConsolePages
    let catalog: AdminUnitCatalog
    let clock: @Sendable () -> Date
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.home) { _, context in
            AuthController.redirect(context.identity.map { AuthController.home(for: $0.account.role) } ?? "/signin")
        }
        router.get(Routes.stylesheet) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(bytes: pages.stylesheet)))
        }
        router.get(Routes.residentSearch) { _, context in
            _ = try context.require(.readResidents)
            return pages.render("search", ["navSearch": true], context: context)
        }
        // Search criteria travel in the body, never in the URL: they are personal data.
        router.post(Routes.residentSearch) { request, context in try await search(request, context) }
        router.get(Routes.residentPage) { request, context in try await resident(request, context) }
    }

    struct SearchForm: Decodable {
        var q: String?
        var birth_date: String?
        var commune: String?
    }

    func search(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, _) = try context.register(store, for: .readResidents)
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let form = (try? URLEncodedFormDecoder().decode(SearchForm.self, from: String(buffer: buffer))) ?? SearchForm()
        var model: [String: Any] = ["navSearch": true, "q": form.q ?? "", "birthDate": form.birth_date ?? "", "commune": form.commune ?? ""]
        do {
            let query = try query(from: form)
            guard !query.isEmpty else {
                model["message"] = "Nhập họ tên, số định danh, số CMND, ngày sinh hoặc đơn vị hành chính."
                return pages.render("search", model, context: context)
            }
            let page = try await register.search(query)
            try await audit.recordSearch(listing: page.items, request: request, context: context)
            model["searched"] = true
            model["hasMore"] = page.hasMore
            model["rows"] = page.items.map { item -> [String: Any] in
                let r = item.resident
                return ["pin": r.pin?.digits ?? "", "name": r.fullName, "birth": r.birthDate.vietnamese, "sex": r.sex.vietnamese,
                        "address": r.permanentResidence.map { catalog.fullPath(of: $0.unit) ?? "" } ?? "", "link": Routes.resident(r.id)]
            }
        } catch {
            // Bad criteria are shown on the form, mapped like every other error (APIError.from).
            guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
            model["message"] = mapped.message
            return pages.render("search", model, context: context, status: mapped.status)
        }
        return pages.render("search", model, context: context)
    }

    /// One box for name, PIN (12 digits) or old ID (9 digits), as officers type them.
    func query(from form: SearchForm) throws -> ResidentQuery {
        let text = (form.q ?? "").trimmed
        var query = try ResidentQuery.byKey(text, perPage: 50) ?? ResidentQuery(perPage: 50)
        if query.pin == nil, query.oldIdNumber == nil, !text.isEmpty {
            query.name = text
        }
        if let birth = form.birth_date?.trimmed, !birth.isEmpty {
            query.birthDate = try PartialDate(iso: birth)
        }
        if let code = form.commune?.trimmed, !code.isEmpty {
            let ref = UnitRef(edition: .threeLevel, code: code)
            guard catalog.unit(ref) != nil else { throw APIError.badRequest("unknown_unit", "Không có đơn vị hành chính mã \(code).") }
            query.communes = catalog.communes(under: ref).map(\.reference)
        }
        return query
    }

    func resident(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, _) = try context.register(store, for: .readResidents)
        guard let id = context.parameters.get("id", as: ResidentID.self) else { throw APIError.notFound }
        var asOf: LocalDate?
        if let text = request.uri.queryParameters.get("as_of"), !text.isEmpty {
            asOf = try LocalDate(iso: text)
        }
        let history = try await register.history(id: id)
        guard !history.isEmpty else { throw APIError.notFound }
        let record: VersionedResident
        if let asOf {
            // The history above already placed the record in the area: no second history look-up.
            guard let past = try await store.residents.resident(id: id, asOf: asOf.endInstant) else {
                throw APIError(.notFound, "not_found", "Hồ sơ chưa tồn tại vào ngày \(PartialDate(asOf).vietnamese).")
            }
            record = past
        } else {
            guard let current = try await store.residents.resident(id: id) else {
                throw APIError(.notFound, "not_found", "Hồ sơ đã bị xóa khỏi cơ sở dữ liệu.")
            }
            record = current
        }
        var household: (Household, [VersionedResident])?
        if asOf == nil, let householdId = record.resident.householdId {
            household = try await register.household(id: householdId)
        }
        let action = asOf == nil ? "resident.read" : "resident.as-of"
        let shown = [id] + (household?.1.map(\.resident.id).filter { $0 != id } ?? [])
        try await audit.record(shown.map { (action, "resident:\($0)") }, request: request, context: context)
        let cards = asOf == nil ? try await store.cards.cards(residentID: id) : []
        let model = ResidentPageModel(record: record, history: history, household: household, asOf: asOf, catalog: catalog,
                                      today: LocalDate(clock()), cards: cards)
        return pages.render("resident", model.dictionary, context: context)
    }
}

extension ResidentQuery {
    /// The key an officer typed in one box: a PIN (12 digits) or an old ID (9 digits); nil for anything else.
    static func byKey(_ text: String, perPage: Int) throws -> ResidentQuery? {
        guard text.allSatisfy(\.isNumber) else { return nil }
        var query = ResidentQuery(perPage: perPage)
        switch text.count {
        case 12: query.pin = try PIN(text, bornAbroad: true)
        case 9: query.oldIdNumber = text
        default: return nil
        }
        return query
    }
}
