import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// The citizen's look-up: receipt code and date of birth in, the coarse status out (received, processing,
/// produced, ready to collect: where and from when). No account, no other personal data, rate-limited per
/// address; an unknown code and a wrong date of birth get the same answer.
struct PublicStatusController {
    let store: any RegisterStore
    let catalog: AdminUnitCatalog
    let clock: @Sendable () -> Date
    let limiter: AddressRateLimiter
    let audit: AuditRecorder
    let pages: ConsolePages

    struct Lookup: Decodable {
        let receiptCode: String
        let birthDate: String

        enum CodingKeys: String, CodingKey {
            case receiptCode = "receipt_code", birthDate = "birth_date"
        }
    }

    struct Status: Encodable {
        let receiptCode: String
        let stage: String
        let status: String
        let since: String
        let dueDate: String
        let place: String?

        enum CodingKeys: String, CodingKey {
            case receiptCode = "receipt_code", stage, status, since, dueDate = "due_date", place
        }
    }

    static let notFound = APIError(.notFound, "not_found", "no application with this receipt code and date of birth")

    func add(to router: Router<AppRequestContext>) {
        router.post(Routes.apiStatus) { request, context in
            let body = try await JSONResponse.decode(Lookup.self, from: request, context: context)
            return try JSONResponse.make(try await status(receiptCode: body.receiptCode, birthDate: body.birthDate, request: request, context: context))
        }
        // The citizen's page: the form, and the answer on the same page (the date of birth stays out of the URL).
        router.get(Routes.statusPage) { _, context in pages.render("status", ["navHidden": true], context: context) }
        router.post(Routes.statusPage) { request, context in
            let form = try await FormFields.of(request, context: context)
            let code = form["receipt_code"] ?? "", birth = form["birth_date"] ?? ""
            var model: [String: Any] = ["navHidden": true, "receiptCode": code]
            do {
                let found = try await status(receiptCode: code, birthDate: birth, request: request, context: context)
                model["result"] = ["receiptCode": found.receiptCode, "status": found.status, "stage": found.stage,
                                   "since": (try? LocalDate(iso: found.since)).map { PartialDate($0).vietnamese } ?? found.since,
                                   "dueDate": (try? LocalDate(iso: found.dueDate)).map { PartialDate($0).vietnamese } ?? found.dueDate,
                                   "place": found.place ?? ""]
                return pages.render("status", model, context: context)
            } catch let error as APIError {
                model["message"] = error.status == .tooManyRequests ? "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."
                    : "Không tìm thấy hồ sơ với mã biên nhận và ngày sinh này. Kiểm tra lại giấy hẹn."
                return pages.render("status", model, context: context, status: error.status)
            }
        }
    }

    /// The status, or `notFound`; throws `rateLimited` past the address's limit.
    func status(receiptCode: String, birthDate: String, request: Request, context: AppRequestContext) async throws -> Status {
        guard limiter.admit(context.clientAddress(request), at: clock()) else {
            throw APIError(.tooManyRequests, "rate_limited", "too many look-ups from your address; try again in a minute")
        }
        let code = receiptCode.trimmed.uppercased()
        guard code.count <= 20, let birth = Self.birthDate(birthDate) else { throw Self.notFound }
        guard let application = try await store.applications.application(receiptCode: code),
              let resident = try await store.residents.resident(id: application.residentID),
              resident.resident.birthDate == birth else {
            try await audit.record("status.lookup", outcome: "not-found", request: request, context: context)
            throw Self.notFound
        }
        try await audit.record("status.lookup", target: "application:\(application.id)", request: request, context: context)
        let since = LocalDate(application.updatedAt)
        var place: String?
        if application.state == .dispatched || application.state == .handedOver {
            place = catalog.fullPath(code: application.site, on: since) ?? application.site
        }
        return Status(receiptCode: application.receiptCode, stage: application.state.publicStage, status: application.state.publicStatus,
                      since: since.description, dueDate: application.dueDate.description, place: place)
    }

    /// The date of birth as written on the slip: YYYY-MM-DD (or YYYY, YYYY-MM for partial dates) or DD/MM/YYYY.
    static func birthDate(_ text: String) -> PartialDate? {
        let trimmed = text.trimmed
        if let date = try? PartialDate(iso: trimmed) { return date }
        let parts = trimmed.split(separator: "/")
        guard parts.count == 3 else { return nil }
        return try? PartialDate(iso: "\(parts[2])-\(parts[1].count == 1 ? "0" : "")\(parts[1])-\(parts[0].count == 1 ? "0" : "")\(parts[0])")
    }
}
