import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/api/v1/residents/{id}/card-preview[?issued=YYYY-MM-DD]`: what a card issued to this resident on that day
/// (default today) would carry, before anyone applies: eligibility under the law in force, the biometrics to
/// capture, the printed fields with the expiry, the MRZ and the QR text; `.../qr.svg` draws the QR code.
struct CardPreviewController {
    let store: any RegisterStore
    let catalog: AdminUnitCatalog
    let clock: @Sendable () -> Date
    let audit: AuditRecorder

    struct Preview: Encodable {
        let residentId: ResidentID
        let issuedOn: LocalDate
        let law: CardLaw
        let age: Int
        let eligible: Bool
        let decision: String
        let refusal: String?
        let biometrics: [CardEligibility.Biometric]
        let card: CardData?
        let expiry: String?
        let mrz: [String]?
        let qrText: String?
        let problem: String?

        enum CodingKeys: String, CodingKey {
            case residentId = "resident_id", issuedOn = "issued_on", law, age, eligible, decision, refusal, biometrics, card, expiry, mrz
            case qrText = "qr_text", problem
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiResidentCardPreview) { request, context in
            let (preview, _) = try await preview(request, context, action: "card.preview")
            return try JSONResponse.make(preview)
        }
        router.get(Routes.apiResidentCardPreviewQR) { request, context in
            let (preview, _) = try await preview(request, context, action: "card.preview.qr")
            guard let text = preview.qrText else {
                throw APIError(.unprocessableContent, "not_eligible", preview.problem ?? preview.refusal ?? "no card for this resident")
            }
            let svg = try QRCodeImage(text: text).svg()
            return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
    }

    func preview(_ request: Request, _ context: AppRequestContext, action: String) async throws -> (Preview, VersionedResident) {
        let (register, _) = try context.register(store, for: .readResidents)
        guard let key = context.parameters.get("id"), let id = ResidentID(key) else { throw APIError.notFound }
        let issuedOn: LocalDate
        if let text = request.uri.queryParameters.get("issued") {
            issuedOn = try LocalDate(iso: text)
        } else {
            issuedOn = LocalDate(clock())
        }
        guard let record = try await register.resident(id: id) else { throw APIError.notFound }
        try await audit.record(action, target: "resident:\(id)", request: request, context: context)
        let cancelled = try await register.history(id: id).cancelledPIN
        let eligibility = CardEligibility(resident: record.resident, on: issuedOn)
        var card: CardData?
        var problem: String?
        do {
            card = try CardData(resident: record.resident, issuedOn: issuedOn, cancelledPIN: cancelled, catalog: catalog)
        } catch {
            problem = "\(error)"
        }
        let refusal: String? = if case .refused(let reason) = eligibility.decision { reason.message } else { nil }
        let decision = switch eligibility.decision {
        case .mandatory: "mandatory"
        case .onRepresentativeRequest: "on_representative_request"
        case .refused: "refused"
        }
        let preview = Preview(
            residentId: id, issuedOn: issuedOn, law: eligibility.law, age: eligibility.age, eligible: eligibility.isEligible,
            decision: decision, refusal: refusal, biometrics: eligibility.biometrics, card: card, expiry: card?.expiryText,
            mrz: card?.mrz.lines, qrText: card?.qrText, problem: refusal == nil ? problem : nil)
        return (preview, record)
    }
}
