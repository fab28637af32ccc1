import CanCuocCore
import Foundation

/// An application as the API and the command line write it (snake_case keys, states as their command-line
/// names); `history` only where asked for.
public struct ApplicationJSON: JSONText, Sendable {
    public struct Event: Encodable, Sendable {
        let seq: Int
        let from: String?
        let to: String
        let actor: String
        let at: String
        let note: String
    }

    let id: Int64
    let receiptCode: String
    let state: String
    let status: String
    let kind: String
    let reason: String?
    let pin: String
    let residentId: ResidentID
    let site: String
    let commune: String?
    let applicationDate: String
    let dueDate: String
    let stageDue: String?
    let overdue: Bool
    let feeVnd: Int
    let exemption: String?
    let collectedDocument: String?
    let next: [String]
    let history: [Event]?

    enum CodingKeys: String, CodingKey {
        case id, receiptCode = "receipt_code", state, status, kind, reason, pin, residentId = "resident_id", site, commune
        case applicationDate = "application_date", dueDate = "due_date", stageDue = "stage_due", overdue, feeVnd = "fee_vnd", exemption, collectedDocument = "collected_document", next, history
    }

    /// `today` decides the overdue flag.
    public init(_ a: ApplicationRecord, today: LocalDate, history: Bool) {
        id = a.id
        receiptCode = a.receiptCode
        state = a.state.rawValue
        status = a.state.publicStatus
        kind = a.kind.rawValue
        reason = a.reason?.rawValue
        pin = a.pin
        residentId = a.residentID
        site = a.site
        commune = a.commune?.code
        applicationDate = a.applicationDate.description
        dueDate = a.dueDate.description
        stageDue = a.stageDue?.description
        overdue = a.isOverdue(on: today)
        feeVnd = a.feeVND
        exemption = a.exemption
        collectedDocument = a.collectedDocument
        next = a.state.next.map(\.rawValue)
        self.history = history ? a.events.map {
            Event(seq: $0.sequence, from: $0.from?.rawValue, to: $0.to.rawValue, actor: $0.actor, at: ISO8601DateFormatter.string(from: $0.at, timeZone: .gmt, formatOptions: .withInternetDateTime), note: $0.note)
        } : nil
    }
}
