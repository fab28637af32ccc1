import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/residents/{id}/cards/{card}`: a personalised card's front and back at ID-1 proportions, printable, with the
/// chip's passive-authentication result; `.../photo.jpg` serves the face, opened from its sealed copy.
struct CardPageController {
    let store: any RegisterStore
    let keys: KeyRing
    let pages: ConsolePages
    let authenticator: PassiveAuthenticator
    let audit: AuditRecorder

    init(store: any RegisterStore, keys: KeyRing, pages: ConsolePages, trusted: TrustedCSCAs, audit: AuditRecorder) {
        self.store = store
        self.keys = keys
        self.pages = pages
        authenticator = PassiveAuthenticator(trusted: trusted)
        self.audit = audit
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.cardPage) { request, context in
            let card = try await card(context)
            try await audit.record("card.view", target: "resident:\(card.residentID)", request: request, context: context)
            let report: PassiveAuthentication? = authenticator.trusted.isEmpty ? nil : await authenticator.verify(files: try card.chipFiles(keys: keys))
            let model = try CardPageModel(card: card, report: report)
            var dictionary = model.dictionary
            dictionary["status"] = card.status.vietnamese
            dictionary["statusNote"] = card.statusNote
            dictionary["expired"] = card.isExpired(on: LocalDate(Date()))
            dictionary["canReport"] = card.status == .valid && context.identity?.permissions.contains(.takeApplications) == true
            dictionary["statusLink"] = Routes.card(card.residentID, card.id) + "/status"
            return pages.render("card", dictionary, context: context)
        }
        // Report the card lost, or revoke it (console form).
        router.post(Routes.cardStatus) { request, context in
            let card = try await card(context, permission: .takeApplications)
            let form = try await FormFields.of(request, context: context)
            try await setStatus(card, form["status"] ?? "", note: form["note"] ?? "", request: request, context: context)
            return AuthController.redirect(Routes.card(card.residentID, card.id))
        }
        router.post(Routes.apiCardStatus) { request, context in
            let (register, _) = try context.register(store, for: .takeApplications)
            guard let cardID = context.parameters.get("card").flatMap(Int64.init), let card = try await store.cards.card(id: cardID),
                  try await register.resident(id: card.residentID) != nil else { throw APIError.notFound }
            let body = try await JSONResponse.object(from: request, context: context)
            let updated = try await setStatus(card, body["status"] as? String ?? "", note: body["note"] as? String ?? "", request: request, context: context)
            return try JSONResponse.make(["id": "\(updated.id)", "status": updated.status.rawValue, "note": updated.statusNote])
        }
        router.get(Routes.cardPhoto) { request, context in
            let card = try await card(context)
            guard let sealed = card.sealedFace else { throw APIError.notFound }
            try await audit.record("card.photo", target: "resident:\(card.residentID)", request: request, context: context)
            let jpeg = try keys.open(sealed, context: StoredCard.faceContext(pin: card.pin))
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
    }

    @discardableResult
    func setStatus(_ card: StoredCard, _ text: String, note: String, request: Request, context: AppRequestContext) async throws -> StoredCard {
        guard let status = CardStatus(rawValue: text), status == .lost || status == .revoked else {
            throw APIError.badRequest("bad_status", "status must be lost or revoked")
        }
        let note = String(note.trimmed.prefix(300))
        guard !note.isEmpty else { throw APIError.badRequest("note_required", "give the circumstances (lost where and when, or why it is revoked)") }
        let updated: StoredCard
        do {
            updated = try await store.cards.setStatus(cardID: card.id, to: status, note: note, at: Date())
        } catch let error as CardStatusError {
            throw APIError(.conflict, "card_not_valid", error.description)
        }
        try await audit.record("card.\(status.rawValue)", target: "resident:\(card.residentID)", purpose: note, request: request, context: context)
        return updated
    }

    /// The card, if its holder is in the caller's area (else 404, like a missing one).
    private func card(_ context: AppRequestContext, permission: Permission = .readResidents) async throws -> StoredCard {
        let (register, _) = try context.register(store, for: permission)
        guard let residentID = context.parameters.get("id").flatMap(ResidentID.init),
              let cardID = context.parameters.get("card").flatMap(Int64.init),
              let card = try await store.cards.card(id: cardID), card.residentID == residentID,
              try await register.resident(id: residentID) != nil else {
            throw APIError.notFound
        }
        return card
    }
}

/// The card page's view model, read from the stored personalisation record.
struct CardPageModel {
    struct Record: Decodable {
        struct QR: Decodable { let text: String; let edition: String }
        let law: String
        let printed: PrintedFields
        let mrz: [String]
        let qr: QR
        let card: Details

        struct Details: Decodable {
            let identifyingMarks: String
            let issuingAuthority: String
            enum CodingKeys: String, CodingKey { case identifyingMarks = "identifying_marks", issuingAuthority = "issuing_authority" }
        }
    }

    let card: StoredCard
    let record: Record
    let report: PassiveAuthentication?

    init(card: StoredCard, report: PassiveAuthentication?) throws {
        self.card = card
        self.report = report
        record = try JSONDecoder().decode(Record.self, from: Data(card.record.utf8))
    }

    var dictionary: [String: Any] {
        let p = record.printed
        let is2014 = record.law == CardLaw.citizenIdentification2014.rawValue
        // Inline SVG: the XML declaration has no place inside HTML.
        let svg = (try? QRCodeImage(text: record.qr.text).svg(moduleSize: 1, quietZone: 2)).map { text in
            String(text[(text.range(of: "<svg")?.lowerBound ?? text.startIndex)...])
        } ?? ""
        var model: [String: Any] = [
            "title": is2014 ? "CĂN CƯỚC CÔNG DÂN" : "CĂN CƯỚC",
            "subtitle": is2014 ? "Citizen Identity Card" : "Identity Card",
            "numberLabel": is2014 ? "Số / No." : "Số định danh cá nhân / Personal identification number",
            "hometownLabel": is2014 ? "Quê quán / Place of origin" : "Nơi đăng ký khai sinh / Place of birth",
            "residenceLabel": is2014 ? "Nơi thường trú / Place of residence" : "Nơi cư trú / Place of residence",
            "number": p.number, "name": p.name, "birth": p.dateOfBirth, "sex": p.sex, "nationality": p.nationality,
            "hometown": p.hometown, "residence": p.residence, "expiry": p.expiry, "issued": p.issueDate,
            "marks": record.card.identifyingMarks.isEmpty ? "—" : record.card.identifyingMarks,
            "authority": record.card.issuingAuthority, "mrz": record.mrz.joined(separator: "\n"),
            "qrFront": is2014 ? svg : "", "qrBack": is2014 ? "" : svg,
            "photo": card.sealedFace == nil ? "" : Routes.cardPhoto(card.residentID, card.id),
            "residentLink": Routes.resident(card.residentID), "signer": card.signerSerial,
        ]
        if let report {
            model["checks"] = report.checks.map { ["name": $0.name, "detail": $0.detail, "passed": $0.passed] }
            model["verdict"] = report.passed ? "Xác thực thụ động: đạt" : "Xác thực thụ động: KHÔNG ĐẠT"
            model["verdictClass"] = report.passed ? "ok" : "warn"
        } else {
            model["noCSCA"] = true
        }
        return model
    }
}
