import CanCuocCore
import CanCuocStore
import Foundation

/// An application as the console shows it (queues, its page, the printed forms): everything formatted, in
/// Vietnamese.
struct ApplicationPageModel {
    let application: ApplicationRecord
    /// The applicant as the register has it now (nil if the record has gone).
    let resident: Resident?
    let catalog: AdminUnitCatalog
    let today: LocalDate

    var dictionary: [String: Any] {
        let a = application
        var model: [String: Any] = [
            "id": a.id, "link": Routes.application(a.id), "receiptCode": a.receiptCode, "state": a.state.rawValue, "stateLabel": a.state.vietnamese,
            "kind": a.kind.vietnamese, "reason": a.reason?.vietnamese ?? "", "pin": a.pin,
            "applicationDate": PartialDate(a.applicationDate).vietnamese, "dueDate": PartialDate(a.dueDate).vietnamese,
            "stageDue": a.stageDue.map { PartialDate($0).vietnamese } ?? "", "overdue": a.isOverdue(on: today),
            "fee": Self.money(a.feeVND), "exemption": a.exemption.flatMap(FeeSchedule.Exemption.init).map(\.vietnamese) ?? "",
            "collected": a.collectedDocument ?? "", "site": site, "today": PartialDate(today).vietnamese,
        ]
        if let r = resident {
            model["name"] = r.fullName
            model["birth"] = r.birthDate.vietnamese
            model["sex"] = r.sex.vietnamese
            model["residence"] = (r.permanentResidence ?? r.currentResidence).map { address in
                [address.street, catalog.fullPath(of: address.unit) ?? address.unit.code].filter { !$0.isEmpty }.joined(separator: ", ")
            } ?? ""
            model["residentLink"] = Routes.resident(r.id)
        }
        model["history"] = a.events.map { event -> [String: Any] in
            ["when": AdminController.timestamp(event.at), "from": event.from?.vietnamese ?? "", "to": event.to.vietnamese, "actor": event.actor, "note": event.note]
        }
        if a.state == .refused, let refusal = a.events.last(where: { $0.to == .refused }) {
            model["refusal"] = refusal.note.isEmpty ? "Không đủ điều kiện cấp thẻ" : refusal.note
            model["refusedOn"] = PartialDate(LocalDate(refusal.at)).vietnamese
        }
        return model
    }

    /// The place the application was taken (and the card is returned): the unit's full name when the site is a
    /// unit code.
    var site: String {
        catalog.fullPath(code: application.site, on: application.applicationDate) ?? application.site
    }

    static func money(_ vnd: Int) -> String {
        guard vnd > 0 else { return "Miễn phí" }
        var digits = String(vnd), grouped = ""
        while digits.count > 3 {
            grouped = "." + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        return digits + grouped + " đồng"
    }
}
