import CanCuocCore
import CanCuocStore
import Foundation

/// The resident page's view model: everything already formatted, in Vietnamese.
struct ResidentPageModel {
    let record: VersionedResident
    let history: [VersionedResident]
    let household: (Household, [VersionedResident])?
    let asOf: LocalDate?
    let catalog: AdminUnitCatalog
    /// The day a card preview is computed for (today).
    let today: LocalDate
    /// The resident's personalised cards, newest first.
    var cards: [StoredCard] = []

    var dictionary: [String: Any] {
        let r = record.resident
        var model: [String: Any] = [
            "name": r.fullName,
            "fields": fields.map { ["label": $0.0, "value": $0.1] },
            "relatives": relatives.map { ["label": $0.0, "value": $0.1] },
            "hasRelatives": !relatives.isEmpty,
            "documents": r.documents.map(document),
            "hasDocuments": !r.documents.isEmpty,
            "history": history.map(historyRow),
            "currentLink": Routes.resident(r.id),
            "correctionLink": Routes.residentCorrection(r.id),
            "oldIdLink": r.oldIdNumber != nil && r.pin != nil && asOf == nil ? "/residents/\(r.id)/old-id-confirmation" : "",
            "pin": r.pin?.digits ?? "",
            "versionNumber": record.version.number,
        ]
        if let asOf { model["asOf"] = asOf.description } else { model["card"] = cardPreview }
        model["cards"] = cards.map { card -> [String: Any] in
            ["issued": PartialDate(card.issuedOn).vietnamese, "expiry": card.expiresOn.map { PartialDate($0).vietnamese } ?? CardData.noExpiryText,
             "law": card.law, "link": Routes.card(card.residentID, card.id), "status": card.status.vietnamese]
        }
        model["hasCards"] = !cards.isEmpty
        if let death = r.deathDate { model["deceased"] = death.vietnamese }
        if let (household, members) = household {
            model["household"] = [
                "address": address(household.address),
                "members": members.map { member -> [String: Any] in
                    let m = member.resident
                    return ["relation": m.relationToHead?.vietnamese ?? "", "name": m.fullName, "birth": m.birthDate.vietnamese,
                            "pin": m.pin?.digits ?? "", "link": Routes.resident(m.id)]
                },
            ]
        }
        return model
    }

    /// What a card issued today would carry (the officer sees it before taking an application).
    var cardPreview: [String: Any] {
        let r = record.resident
        let eligibility = CardEligibility(resident: r, on: today)
        let law = eligibility.law == .citizenIdentification2014 ? "Luật Căn cước công dân 2014" : "Luật Căn cước 2023"
        var preview: [String: Any] = ["law": law, "age": eligibility.age]
        switch eligibility.decision {
        case .mandatory: preview["decision"] = "Thuộc diện cấp thẻ"
        case .onRepresentativeRequest: preview["decision"] = "Dưới 14 tuổi: cấp theo đề nghị của người đại diện hợp pháp"
        case .refused(let refusal): preview["refusal"] = refusal.message
        }
        let names: [CardEligibility.Biometric: String] = [.face: "ảnh khuôn mặt", .fingerprints: "vân tay", .iris: "mống mắt"]
        preview["biometrics"] = eligibility.biometrics.isEmpty ? "không thu nhận" : eligibility.biometrics.compactMap { names[$0] }.joined(separator: ", ")
        do {
            let card = try CardData(resident: r, issuedOn: today, catalog: catalog)
            preview["expiry"] = card.expiryText
            preview["mrz"] = card.mrz.text
            preview["qr"] = Routes.cardPreviewQR(r.id)
        } catch {
            // A refusal is shown above; a missing printed field must be corrected in the record first.
            if case .missingField = error { preview["problem"] = "Thiếu thông tin trên hồ sơ để in thẻ (nơi thường trú)" }
        }
        return preview
    }

    var fields: [(String, String)] {
        let r = record.resident
        var rows: [(String, String)] = [
            ("Số định danh cá nhân", r.pin?.digits ?? "chưa có"),
            ("Họ, chữ đệm và tên khai sinh", r.fullName),
        ]
        if !r.otherNames.isEmpty { rows.append(("Tên gọi khác", r.otherNames.joined(separator: ", "))) }
        rows += [
            ("Ngày, tháng, năm sinh", r.birthDate.vietnamese),
            ("Giới tính", r.sex.vietnamese),
            ("Nơi sinh", place(r.placeOfBirth)),
            ("Nơi đăng ký khai sinh", r.birthRegisteredAbroad ? "Nước ngoài: \(r.birthRegistrationPlace?.detail ?? "")" : place(r.birthRegistrationPlace)),
            ("Quê quán", place(r.hometown)),
            ("Dân tộc", Ethnicity.named(code: r.ethnicityCode)?.name ?? r.ethnicityCode),
            ("Tôn giáo", r.religion),
            ("Quốc tịch", r.nationality),
        ]
        if let blood = r.bloodType { rows.append(("Nhóm máu", blood.rawValue)) }
        rows.append(("Số CMND 9 số", r.oldIdNumber ?? "không có"))
        if let status = r.maritalStatus { rows.append(("Tình trạng hôn nhân", status.vietnamese)) }
        rows.append(("Nơi thường trú", r.permanentResidence.map(address) ?? "chưa đăng ký"))
        if let temporary = r.temporaryResidence { rows.append(("Nơi tạm trú", address(temporary))) }
        if let absence = r.temporaryAbsence { rows.append(("Tạm vắng", "từ \(absence.from) \(absence.until.map { "đến \($0)" } ?? "") · \(absence.destination)")) }
        rows.append(("Nơi ở hiện tại", r.currentResidence.map(address) ?? "—"))
        if let missing = r.missingSince { rows.append(("Mất tích từ", missing.vietnamese)) }
        if let phone = r.phone { rows.append(("Số điện thoại", phone)) }
        if let email = r.email { rows.append(("Thư điện tử", email)) }
        return rows
    }

    var relatives: [(String, String)] {
        let r = record.resident
        var rows: [(String, String)] = []
        func add(_ label: String, _ link: PersonLink?) {
            guard let link else { return }
            var parts = [link.name]
            if let pin = link.pin { parts.append("số định danh \(pin.digits)") }
            if let old = link.oldIdNumber { parts.append("CMND \(old)") }
            if link.nationality != "Việt Nam" { parts.append(link.nationality) }
            rows.append((label, parts.joined(separator: " · ")))
        }
        add("Cha", r.father)
        add("Mẹ", r.mother)
        add("Vợ/Chồng", r.spouse)
        for child in r.children { add("Con", child) }
        add("Người đại diện hợp pháp", r.legalRepresentative)
        return rows
    }

    func document(_ d: IdentityDocument) -> [String: Any] {
        let kind = switch d.kind {
        case .cmnd12: "CMND 12 số"
        case .cccdBarcode: "CCCD mã vạch"
        case .cccdChip: "CCCD gắn chíp"
        case .theCanCuoc: "Thẻ căn cước"
        }
        return ["kind": kind, "number": d.number, "issued": PartialDate(d.issuedOn).vietnamese, "issuedBy": d.issuedBy,
                "expires": d.expiresOn.map { PartialDate($0).vietnamese } ?? "Không thời hạn"]
    }

    func historyRow(_ version: VersionedResident) -> [String: Any] {
        let day = LocalDate(version.version.recordedAt)
        return ["when": day.description, "number": version.version.number, "actor": version.version.recordedBy,
                "reason": version.version.reason, "link": Routes.resident(version.resident.id, asOf: day)]
    }

    func place(_ place: Place?) -> String {
        guard let place else { return "—" }
        let path = place.unit.flatMap { catalog.fullPath(of: $0) }
        return [place.detail, path ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
    }

    func address(_ address: Address) -> String {
        [address.street, catalog.fullPath(of: address.unit) ?? address.unit.code].filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
