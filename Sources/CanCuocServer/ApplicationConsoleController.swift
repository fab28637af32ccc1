import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// The console's application pages: queues per state (with counts, overdue flags and bulk approval), an
/// application with its history and the moves the officer's role may make, and the printable forms (CC01
/// collection receipt, CC02 appointment slip, CC03 refusal notice).
struct ApplicationConsoleController {
    let service: ApplicationService
    let capture: BiometricsController
    let pages: ConsolePages
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }
    var catalog: AdminUnitCatalog { service.catalog }
    var today: LocalDate { LocalDate(service.clock()) }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.applicationsPage) { request, context in try await queue(request, context) }
        router.post(Routes.applicationsApprove) { request, context in try await approve(request, context) }
        router.get(Routes.applicationPage) { request, context in try await application(request, context) }
        router.post(Routes.applicationMove) { request, context in try await move(request, context) }
        router.get(Routes.applicationForm) { request, context in try await form(request, context) }
        router.post(Routes.applicationBiometrics) { request, context in try await captureForm(request, context) }
    }

    /// The queue an officer opens first: the state the role works on.
    static func defaultState(for permissions: Set<Permission>) -> ApplicationState {
        if permissions.contains(.approveApplications) { return .transferred }
        if permissions.contains(.takeApplications) { return .received }
        return .approved
    }

    func queue(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: ApplicationsController.readers)
        let parameters = request.uri.queryParameters
        let state = try parameters.get("state").map { try ApplicationsController.state($0, field: "state") } ?? Self.defaultState(for: identity.permissions)
        let overdue = parameters.get("overdue") == "1"
        let page = max(1, parameters.get("page").flatMap { Int($0) } ?? 1)
        var narrowed = ApplicationQuery(states: [state], overdueOn: overdue ? today : nil, page: page, perPage: 50)
        let unit = (parameters.get("unit") ?? "").trimmed
        try ApplicationsController.narrow(&narrowed, unit: unit, catalog: catalog, today: today)
        let (items, counts) = try await applications.queue(narrowed)
        try await audit.recordQueue(listing: items.items, request: request, context: context)
        var rows: [[String: Any]] = []
        for item in items.items {
            let resident = try await store.residents.resident(id: item.residentID)?.resident
            rows.append(ApplicationPageModel(application: item, resident: resident, catalog: catalog, today: today).dictionary)
        }
        // The queue's address with the unit kept.
        func link(_ state: ApplicationState, overdue: Bool = false, page: Int = 1) -> String {
            "/applications?state=\(state.rawValue)" + (overdue ? "&overdue=1" : "") + (unit.isEmpty ? "" : "&unit=\(unit)") + (page > 1 ? "&page=\(page)" : "")
        }
        let model: [String: Any] = [
            "navApplications": true,
            "tabs": ApplicationState.allCases.filter { !$0.isFinal }.map { tab -> [String: Any] in
                let count = counts[tab] ?? 0
                return ["label": tab.vietnamese, "count": count > ApplicationQuery.countCap ? "\(ApplicationQuery.countCap)+" : "\(count)",
                        "link": link(tab), "active": tab == state]
            },
            "stateLabel": state.vietnamese, "state": state.rawValue, "overdueOnly": overdue, "unit": unit,
            "overdueLink": link(state, overdue: true), "allLink": link(state),
            "rows": rows, "hasRows": !rows.isEmpty,
            "bulk": state == .transferred && identity.permissions.contains(.approveApplications) && !rows.isEmpty,
            "previous": page > 1 ? link(state, overdue: overdue, page: page - 1) : "",
            "next": items.hasMore ? link(state, overdue: overdue, page: page + 1) : "",
            "approved": parameters.get("approved") ?? "", "failed": parameters.get("failed") ?? "",
        ]
        return pages.render("applications", model, context: context)
    }

    /// Bulk approval from the queue: every checked application still transferred is approved.
    func approve(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: [.approveApplications])
        let form = try await FormFields.of(request, context: context)
        let ids = Set(form.all("id").compactMap { Int64($0) }).sorted()
        guard !ids.isEmpty, ids.count <= 500 else { throw APIError.badRequest("bad_ids", "chọn từ 1 đến 500 hồ sơ") }
        let (approved, failed) = try await service.approveAll(ids, actor: identity.account.username, note: (form["note"] ?? "").trimmed,
                                                              allowed: identity.permissions.pipelineActors, visible: { applications.visible($0) != nil })
        try await audit.recordApprovals(approved, request: request, context: context)
        return AuthController.redirect("/applications?state=transferred&approved=\(approved.count)&failed=\(failed.count)")
    }

    func application(_ request: Request, _ context: AppRequestContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: ApplicationsController.readers)
        let id = try ApplicationsController.id(context)
        guard let record = try await applications.application(id: id) else { throw APIError.notFound }
        try await audit.record("application.read", target: "application:\(id)", request: request, context: context)
        let resident = try await store.residents.resident(id: record.residentID)?.resident
        var model = ApplicationPageModel(application: record, resident: resident, catalog: catalog, today: today).dictionary
        let actors = identity.permissions.pipelineActors
        model["moves"] = ApplicationState.transitions.filter { $0.from == record.state && actors.contains($0.actor) }.map { transition -> [String: Any] in
            ["to": transition.to.rawValue, "label": Self.moveLabel(transition), "danger": transition.to == .refused || transition.to == .cancelled]
        }
        model["hasMoves"] = !(model["moves"] as? [Any] ?? []).isEmpty
        model["moveLink"] = Routes.application(id) + "/moves"
        if record.state == .received {
            let stored = Dictionary(try await store.applications.biometrics(applicationID: id).map { ($0.kind, $0) }, uniquingKeysWith: { $1 })
            let shown = Set(try await service.requiredBiometrics(of: record)).union(stored.keys)
            model["biometrics"] = BiometricKind.allCases.filter(shown.contains).map { kind -> [String: Any] in
                let item = stored[kind]
                return ["kind": kind.rawValue, "label": kind.vietnamese, "captured": item.map { !$0.isUnavailable } ?? false,
                        "unavailable": item?.isUnavailable ?? false, "mayBeUnavailable": kind.mayBeUnavailable,
                        "accept": kind == .face ? "image/jpeg" : "image/jpeg,image/png",
                        "detail": item.map { $0.isUnavailable ? "không thu nhận được" : "\($0.format.uppercased()) \($0.width)×\($0.height), \($0.byteCount / 1024) KB" } ?? "chưa thu nhận"]
            }
            model["captureLink"] = Routes.application(id) + "/biometrics"
            model["canCapture"] = identity.permissions.contains(.takeApplications)
        }
        model["cc01"] = Routes.applicationForm(id, "cc01")
        model["cc02"] = record.state == .refused || record.state == .cancelled ? "" : Routes.applicationForm(id, "cc02")
        model["cc03"] = record.state == .refused ? Routes.applicationForm(id, "cc03") : ""
        model["navApplications"] = true
        if let message { model["message"] = message }
        return pages.render("application", model, context: context, status: status)
    }

    static func moveLabel(_ transition: ApplicationState.Transition) -> String {
        switch (transition.from, transition.to) {
        case (.transferred, .received): "Trả lại để bổ sung, sửa đổi"
        case (_, .transferred): "Chuyển Trung tâm"
        case (_, .approved): "Phê duyệt"
        case (_, .personalised): "Cá thể hóa thẻ"
        case (_, .printed): "Đã in thẻ"
        case (_, .dispatched): "Chuyển về nơi trả"
        case (_, .handedOver): "Trả thẻ cho công dân"
        case (_, .refused): "Từ chối"
        case (_, .cancelled): "Hủy hồ sơ"
        default: transition.to.vietnamese
        }
    }

    /// A move from the application page; errors are shown on the page, nothing changed.
    func move(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, identity) = try context.applications(store, anyOf: ApplicationsController.movers)
        let id = try ApplicationsController.id(context)
        guard let current = try await applications.application(id: id) else { throw APIError.notFound }
        let form = try await FormFields.of(request, context: context)
        do {
            let target = try ApplicationsController.state(form["to"] ?? "", field: "to")
            let expected = try form["expected"].map { try ApplicationsController.state($0, field: "expected") }
            let note = String((form["note"] ?? "").trimmed.prefix(500))
            if target == .refused && note.isEmpty { throw APIError.badRequest("reason_required", "ghi lý do từ chối: lý do được in trên thông báo CC03") }
            _ = try await service.advance(current, to: target, actor: identity.account.username, note: note, expected: expected,
                                          allowed: identity.permissions.pipelineActors)
            try await audit.record("application.move", target: "application:\(id)", purpose: target.rawValue, request: request, context: context)
            return AuthController.redirect(Routes.application(id))
        } catch {
            guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
            return try await application(request, context, message: mapped.message, status: mapped.status)
        }
    }

    /// The capture form: every file given is checked and stored; "unavailable-<kind>" fields declare what cannot be
    /// captured. What fails is listed on the page; what passed is kept.
    func captureForm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (application, identity) = try await capture.visibleApplication(context, permission: .takeApplications)
        // The CSRF token was checked by AuthMiddleware.
        let form = try await MultipartForm.of(request)
        var problems: [String] = []
        for part in form.parts {
            if let kind = BiometricKind(rawValue: part.name), !part.bytes.isEmpty {
                do {
                    try await capture.capture(kind, bytes: part.bytes, application: application, identity: identity, request: request, context: context)
                } catch let error as ApplicationError {
                    problems.append("\(kind.vietnamese): \(error.description)")
                }
            } else if part.name.hasPrefix("unavailable-"), let kind = BiometricKind(rawValue: String(part.name.dropFirst("unavailable-".count))) {
                let reason = String(decoding: part.bytes, as: UTF8.self).trimmed
                guard !reason.isEmpty else { continue }
                do {
                    try await capture.declareUnavailable(kind, reason: reason, application: application, identity: identity, request: request, context: context)
                } catch let error as ApplicationError {
                    problems.append("\(kind.vietnamese): \(error.description)")
                }
            }
        }
        guard problems.isEmpty else {
            return try await self.application(request, context, message: problems.joined(separator: "; "), status: .unprocessableContent)
        }
        return AuthController.redirect(Routes.application(application.id))
    }

    func form(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (applications, _) = try context.applications(store, anyOf: ApplicationsController.readers)
        let id = try ApplicationsController.id(context)
        guard let record = try await applications.application(id: id) else { throw APIError.notFound }
        let form = context.parameters.get("form") ?? ""
        switch form {
        case "cc01", "cc02": guard record.state != .refused && record.state != .cancelled || form == "cc01" else { throw APIError.notFound }
        case "cc03": guard record.state == .refused else { throw APIError.notFound }
        default: throw APIError.notFound
        }
        try await audit.record("application.form", target: "application:\(id)", purpose: form, request: request, context: context)
        let resident = try await store.residents.resident(id: record.residentID)?.resident
        var model = ApplicationPageModel(application: record, resident: resident, catalog: catalog, today: today).dictionary
        model["navHidden"] = true
        return pages.render("form-\(form)", model, context: context)
    }
}
