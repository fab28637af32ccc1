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
            let (r, card) = try await confirmed(request, context)
            return try JSONResponse.make(Confirmation(
                pin: r.pin?.digits ?? "", oldIdNumber: r.oldIdNumber ?? "", fullName: r.fullName, birthDate: r.birthDate.description, sex: r.sex.rawValue,
                cardNumber: card?.pin, cardIssuedOn: card?.issuedOn.description, cardExpiresOn: card?.expiresOn?.description))
        }
        router.get(Routes.oldIDConfirmation) { request, context in
            let (r, card) = try await confirmed(request, context)
            return pages.render("old-id-confirmation", [
                "navHidden": true, "pin": r.pin?.digits ?? "", "oldId": r.oldIdNumber ?? "", "name": r.fullName, "birth": r.birthDate.vietnamese,
                "sex": r.sex.vietnamese, "cardIssued": card.map { PartialDate($0.issuedOn).vietnamese } ?? "",
                "today": PartialDate(LocalDate(Date())).vietnamese, "site": context.identity.flatMap { catalog.fullPath(of: $0.account.unit) } ?? "",
            ], context: context)
        }
    }

    /// The resident (with an old ID and a PIN, inside the caller's area) and the valid card, if any; audited.
    func confirmed(_ request: Request, _ context: AppRequestContext) async throws -> (Resident, StoredCard?) {
        let (register, _) = try context.register(store, for: .readResidents)
        guard let id = context.parameters.get("id").flatMap(ResidentID.init), let record = try await register.resident(id: id) else { throw APIError.notFound }
        guard record.resident.oldIdNumber != nil, record.resident.pin != nil else {
            throw APIError(.notFound, "no_old_id", "the register records no old 9-digit identity card number (or no PIN) for this person")
        }
        try await audit.record("resident.old-id-confirmation", target: "resident:\(id)", request: request, context: context)
        return (record.resident, try await store.cards.cards(residentID: id).first { $0.status == .valid })
    }
}
