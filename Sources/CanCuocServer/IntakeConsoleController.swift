import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Intake at the desk, step by step and usable from the keyboard: find the resident (PIN or old ID), let the
/// citizen check the register's data (a record that needs correcting links straight to the correction), choose
/// kind, reason and exemptions, record the old card collected, and submit once (the form's request id makes a
/// double submission harmless). Then the application's page offers the CC01 receipt and the CC02 slip; an
/// ineligible citizen gets the CC03 refusal instead.
struct IntakeConsoleController {
    let service: ApplicationService
    let pages: ConsolePages
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }
    var catalog: AdminUnitCatalog { service.catalog }
    var today: LocalDate { LocalDate(service.clock()) }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.intakePage) { _, context in
            _ = try context.require(.takeApplications)
            return pages.render("intake", ["navIntake": true, "step1": true], context: context)
        }
        // The PIN travels in the body, never in the URL.
        router.post(Routes.intakePage) { request, context in try await find(request, context) }
        router.post(Routes.applicationsPage) { request, context in try await submit(request, context) }
        router.post(Routes.intakeRefusal) { request, context in try await refusal(request, context) }
    }

    /// Step 1 → 2: the resident by PIN (12 digits) or old ID (9 digits), within the officer's area.
    func find(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.takeApplications)
        let form = try await FormFields.of(request, context: context)
        let text = (form["q"] ?? "").trimmed
        let register = ScopedRegister(store: store, jurisdiction: identity.jurisdiction)
        var found: VersionedResident?
        do {
            // Two records under one old ID cannot be told apart here: the search page lists them.
            if let query = try ResidentQuery.byKey(text, perPage: 2) {
                let page = try await register.search(query)
                found = page.items.count == 1 ? page.items.first : nil
            } else {
                return step1(context, q: text, message: "Nhập số định danh cá nhân (12 số) hoặc số CMND (9 số). Tìm theo họ tên và ngày sinh ở trang Tra cứu công dân.", status: .badRequest)
            }
        } catch {
            guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
            return step1(context, q: text, message: mapped.message, status: mapped.status)
        }
        guard let found else {
            try await audit.record("application.intake-find", outcome: "not-found", request: request, context: context)
            return step1(context, q: text, message: "Không tìm thấy công dân trong địa bàn của đơn vị.", status: .notFound)
        }
        try await audit.record("application.intake-find", target: "resident:\(found.resident.id)", request: request, context: context)
        return try await step2(found, context: context)
    }

    func step1(_ context: AppRequestContext, q: String, message: String, status: HTTPResponse.Status) -> Response {
        pages.render("intake", ["navIntake": true, "step1": true, "q": q, "message": message], context: context, status: status)
    }

    /// The citizen's data to check, what must be corrected first, eligibility, and the application form.
    /// The open mobile sessions this officer works at today (the intake form offers them as the site).
    func sessions(for identity: Identity) async throws -> [MobileSession] {
        guard let province = catalog.province(of: identity.account.unit)?.code ?? (identity.jurisdiction.isProvinceWide ? identity.account.unit.code : nil) else { return [] }
        return try await store.sessions.sessions(provinceCodes: [province], limit: 100).filter {
            $0.state == .open && $0.officers.contains(identity.account.username) && $0.startsOn <= today && today <= $0.endsOn
        }
    }

    func step2(_ record: VersionedResident, context: AppRequestContext, message: String? = nil, form: FormFields? = nil,
               status: HTTPResponse.Status = .ok) async throws -> Response {
        let r = record.resident
        let page = ResidentPageModel(record: record, history: [], household: nil, asOf: nil, catalog: catalog, today: today)
        let problems = service.recordProblems(r, on: today)
        let eligibility = CardEligibility(resident: r, on: today)
        var model: [String: Any] = [
            "navIntake": true, "step2": true, "name": r.fullName, "pin": r.pin?.digits ?? "",
            "fields": page.fields.map { ["label": $0.0, "value": $0.1] },
            "problems": problems.map { ["field": $0.field, "message": $0.message] }, "hasProblems": !problems.isEmpty,
            "correctionLink": Routes.residentCorrection(r.id), "residentLink": Routes.resident(r.id),
            "preview": page.cardPreview,
            "requestId": form?["request_id"] ?? UUID().uuidString,
            "collected": form?["collected_document"] ?? r.oldIdNumber ?? "",
            "kinds": ApplicationKind.allCases.map { kind -> [String: Any] in
                ["value": kind.rawValue, "label": kind.vietnamese, "selected": (form?["kind"] ?? ApplicationKind.first.rawValue) == kind.rawValue]
            },
            "reasons": ApplicationReason.allCases.filter { $0.isAllowed(under: eligibility.law) }.map { reason -> [String: Any] in
                ["value": reason.rawValue, "label": "\(reason.kind.vietnamese): \(reason.vietnamese)", "selected": form?["reason"] == reason.rawValue]
            },
            "exemptions": FeeSchedule.Exemption.allCases.map { exemption -> [String: Any] in
                ["value": exemption.rawValue, "label": exemption.vietnamese, "checked": form?.all("exemption").contains(exemption.rawValue) == true]
            },
        ]
        if let identity = context.identity {
            let chosen = form?["site"]
            model["sites"] = [["value": identity.account.unit.code, "label": "Bàn tiếp nhận của đơn vị", "selected": chosen == nil]]
                + (try await sessions(for: identity)).map { ["value": $0.site, "label": "Cấp lưu động: \($0.placeName)", "selected": chosen == $0.site] }
        }
        if case .refused(let refusal) = eligibility.decision { model["refusal"] = refusal.message }
        if let message { model["message"] = message }
        return pages.render("intake", model, context: context, status: status)
    }

    /// Step 2 → the application's page (or the form again with what is wrong, nothing created).
    func submit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.takeApplications)
        let form = try await FormFields.of(request, context: context)
        let register = ScopedRegister(store: store, jurisdiction: identity.jurisdiction)
        guard let pin = try? PIN(form["pin"] ?? "", bornAbroad: true), let record = try await register.resident(pin: pin) else { throw APIError.notFound }
        guard form["confirmed"] == "1" else {
            return try await step2(record, context: context, message: "Công dân phải kiểm tra và xác nhận thông tin trước khi tiếp nhận hồ sơ.", form: form, status: .unprocessableContent)
        }
        do {
            // The desk of the officer's unit, or a mobile session (checked: open, today, the officer on its team).
            let site = (form["site"] ?? "").hasPrefix("session:") ? form["site"] : nil
            let body = ApplicationsController.CreateRequest(
                pin: pin.digits, kind: form["kind"] ?? "", reason: form["reason"], date: nil, site: site, requestId: form["request_id"],
                exemptions: form.all("exemption"), collectedDocument: form["collected_document"])
            let intake = try ApplicationsController.intake(body, identity: identity, today: today)
            let (application, created) = try await service.create(intake, for: record.resident, actor: identity.account.username)
            try await audit.record("application.create", target: "application:\(application.id)", outcome: created ? "ok" : "repeated", request: request, context: context)
            return AuthController.redirect(Routes.application(application.id))
        } catch {
            guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
            return try await step2(record, context: context, message: mapped.message, form: form, status: mapped.status)
        }
    }

    /// The CC03 refusal notice for a citizen who may not have a card (no application is created).
    func refusal(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.takeApplications)
        let form = try await FormFields.of(request, context: context)
        let register = ScopedRegister(store: store, jurisdiction: identity.jurisdiction)
        guard let pin = try? PIN(form["pin"] ?? "", bornAbroad: true), let record = try await register.resident(pin: pin) else { throw APIError.notFound }
        guard case .refused(let refusal) = CardEligibility(resident: record.resident, on: today).decision else { throw APIError.notFound }
        try await audit.record("application.refusal-notice", target: "resident:\(record.resident.id)", request: request, context: context)
        let r = record.resident
        return pages.render("form-cc03", [
            "navHidden": true, "name": r.fullName, "birth": r.birthDate.vietnamese, "pin": r.pin?.digits ?? "",
            "refusal": refusal.message, "refusedOn": PartialDate(today).vietnamese, "today": PartialDate(today).vietnamese,
            "site": catalog.fullPath(of: identity.account.unit) ?? identity.account.unit.code,
        ], context: context)
    }
}
