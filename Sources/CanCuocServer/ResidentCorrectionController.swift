import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/residents/{id}/correction`: the correction form for the items a card application needs (name, date of
/// birth, sex, ethnicity, religion, nationality, old ID, permanent residence). Each correction is a new version
/// with its reason; a record changed meanwhile is not overwritten (expected version).
struct ResidentCorrectionController {
    let service: RegisterService
    let pages: ConsolePages
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }
    var catalog: AdminUnitCatalog { service.catalog }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.residentCorrection) { request, context in
            let (register, _) = try context.register(store, for: .writeResidents)
            guard let id = context.parameters.get("id", as: ResidentID.self), let record = try await register.resident(id: id) else { throw APIError.notFound }
            try await audit.record("resident.read", target: "resident:\(id)", purpose: "correction", request: request, context: context)
            return page(record, values: Self.values(of: record.resident), context: context)
        }
        router.post(Routes.residentCorrection) { request, context in try await correct(request, context) }
    }

    /// The form's fields and the record's current values.
    static func values(of r: Resident) -> [String: String] {
        [
            "full_name": r.fullName, "birth_date": r.birthDate.description, "sex": r.sex.rawValue, "ethnicity_code": r.ethnicityCode,
            "religion": r.religion, "nationality": r.nationality, "old_id_number": r.oldIdNumber ?? "",
            "residence_unit": r.permanentResidence?.unit.code ?? "", "residence_street": r.permanentResidence?.street ?? "",
        ]
    }

    func page(_ record: VersionedResident, values: [String: String], context: AppRequestContext, message: String? = nil,
              problems: [FieldProblem] = [], status: HTTPResponse.Status = .ok) -> Response {
        let r = record.resident
        var model: [String: Any] = [
            "name": r.fullName, "residentLink": Routes.resident(r.id), "action": Routes.residentCorrection(r.id),
            "version": record.version.number, "values": values, "reason": values["reason"] ?? "",
            "male": values["sex"] == Sex.male.rawValue, "female": values["sex"] == Sex.female.rawValue,
            "ethnicities": Ethnicity.all.map { ["code": $0.code, "name": $0.name, "selected": $0.code == values["ethnicity_code"]] },
            "problems": problems.map { ["field": $0.field, "message": $0.message] },
            "currentProblems": ApplicationService(store: store, catalog: catalog).recordProblems(r, on: LocalDate(service.clock()))
                .map { ["field": $0.field, "message": $0.message] },
        ]
        if let message { model["message"] = message }
        return pages.render("correction", model, context: context, status: status)
    }

    func correct(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (register, identity) = try context.register(store, for: .writeResidents)
        guard let id = context.parameters.get("id", as: ResidentID.self), let record = try await register.resident(id: id) else { throw APIError.notFound }
        let form = try await FormFields.of(request, context: context)
        var values = form.values
        let reason = (form["reason"] ?? "").trimmed
        guard !reason.isEmpty else {
            return page(record, values: values, context: context, message: "Ghi căn cứ điều chỉnh (lý do): nó được lưu cùng phiên bản mới.", status: .unprocessableContent)
        }
        let current = Self.values(of: record.resident)
        var patch: [String: Any] = [:]
        for key in ["full_name", "birth_date", "sex", "ethnicity_code", "religion", "nationality"] {
            let value = (values[key] ?? "").trimmed
            if value != current[key] { patch[key] = value }
        }
        let old = (values["old_id_number"] ?? "").trimmed
        if old != current["old_id_number"] { patch["old_id_number"] = old.isEmpty ? NSNull() : old }
        let unit = (values["residence_unit"] ?? "").trimmed, street = (values["residence_street"] ?? "").trimmed
        if unit != current["residence_unit"] || street != current["residence_street"] {
            let today = LocalDate(service.clock())
            // A commune code of the list in force today (the two-level list since 1 July 2025).
            guard let commune = catalog.unit(code: unit, on: today), commune.level == .commune else {
                values["reason"] = reason
                return page(record, values: values, context: context, message: "Mã xã '\(unit)' không có trong danh mục đơn vị hành chính hiện hành.", status: .unprocessableContent)
            }
            patch["permanent_residence"] = ["unit": ["edition": commune.reference.edition.rawValue, "code": commune.code], "street": street]
        }
        guard !patch.isEmpty else { return AuthController.redirect(Routes.resident(id)) }
        do {
            _ = try await service.correct(id: id, patch: patch, expectedVersion: Int(form["expected_version"] ?? ""), actor: identity.account.username, reason: reason)
            try await audit.record("resident.correct", target: "resident:\(id)", request: request, context: context)
            return AuthController.redirect(Routes.resident(id))
        } catch {
            guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
            values["reason"] = reason
            return page(record, values: values, context: context, message: mapped.message, problems: mapped.problems, status: mapped.status)
        }
    }
}
