import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// The confirmation that an old 9-digit identity card number and a PIN (the chip card's number) belong to the
/// same person: what banks and land offices ask for once the old card has been collected. API
/// `GET /api/v1/residents/{id}/old-id-confirmation`; console `/residents/{id}/old-id-confirmation`, printable.
struct OldIDConfirmationController {
    let store: any RegisterStore
    let catalog: AdminUnitCatalog
    let pages: ConsolePages
    let audit: AuditRecorder

    struct Confirmation: Encodable {
        let pin: String
        let oldIdNumber: String
        let fullName: String
        let birthDate: String
        let sex: String
        let cardNumber: String?
        let cardIssuedOn: String?
        let cardExpiresOn: String?

        enum CodingKeys: String, CodingKey {
            case pin, oldIdNumber = "old_id_number", fullName = "full_name", birthDate = "birth_date", sex
            case cardNumber = "card_number", cardIssuedOn = "card_issued_on", cardExpiresOn = "card_expires_on"
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiOldIDConfirmation) { request, context in
            try JSONResponse.make(try await confirmation(request, context))
        }
        router.get(Routes.oldIDConfirmation) { request, context in
            let c = try await confirmation(request, context)
            let site = context.identity.flatMap { identity in
                catalog.unit(code: identity.account.unit.code, on: LocalDate(Date())).flatMap { catalog.fullPath(of: $0.reference) }
            } ?? ""
            return pages.render("old-id-confirmation", [
                "navHidden": true, "pin": c.pin, "oldId": c.oldIdNumber, "name": c.fullName,
                "birth": (try? PartialDate(iso: c.birthDate))?.vietnamese ?? c.birthDate, "sex": c.sex == "male" ? "Nam" : "Nữ",
                "cardIssued": c.cardIssuedOn.flatMap { try? LocalDate(iso: $0) }.map { PartialDate($0).vietnamese } ?? "",
                "today": PartialDate(LocalDate(Date())).vietnamese, "site": site,
            ], context: context)
        }
    }

    func confirmation(_ request: Request, _ context: AppRequestContext) async throws -> Confirmation {
        let (register, _) = try context.register(store, for: .readResidents)
        guard let id = context.parameters.get("id").flatMap(ResidentID.init), let record = try await register.resident(id: id) else { throw APIError.notFound }
        let r = record.resident
        guard let old = r.oldIdNumber, let pin = r.pin else {
            throw APIError(.notFound, "no_old_id", "the register records no old 9-digit identity card number (or no PIN) for this person")
        }
        try await audit.record("resident.old-id-confirmation", target: "resident:\(id)", request: request, context: context)
        let card = try await store.cards.cards(residentID: id).first { $0.status == .valid }
        return Confirmation(pin: pin.digits, oldIdNumber: old, fullName: r.fullName, birthDate: r.birthDate.description, sex: r.sex.rawValue,
                            cardNumber: card?.pin, cardIssuedOn: card?.issuedOn.description, cardExpiresOn: card?.expiresOn?.description)
    }
}
