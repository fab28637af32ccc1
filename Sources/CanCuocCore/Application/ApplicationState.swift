/// Where an application is in its pipeline (REFERENCE.md, "Steps"): received → transferred to the national
/// centre → approved (or returned for correction: back to received) → personalised → printed in a batch →
/// dispatched to the return point → handed over; refused or cancelled end it early. Names as the command line
/// and the API write them.
public enum ApplicationState: String, CaseIterable, Sendable, Codable {
    case received, transferred, approved, personalised, printed, dispatched
    case handedOver = "handed-over"
    case refused, cancelled

    /// Who moves an application on: the desk that took it, the approver at the centre, card production, the
    /// return point.
    public enum Actor: String, CaseIterable, Sendable, Codable {
        case desk, approver, production, delivery

        public var title: String {
            switch self {
            case .desk: "receiving desk"
            case .approver: "approver"
            case .production: "card production"
            case .delivery: "return point"
            }
        }
    }

    public struct Transition: Hashable, Sendable {
        public let from: ApplicationState
        public let to: ApplicationState
        public let actor: Actor
    }

    public static let transitions: [Transition] = [
        Transition(from: .received, to: .transferred, actor: .desk),
        Transition(from: .received, to: .refused, actor: .desk),
        Transition(from: .received, to: .cancelled, actor: .desk),
        Transition(from: .transferred, to: .approved, actor: .approver),
        Transition(from: .transferred, to: .received, actor: .approver),  // returned for correction
        Transition(from: .transferred, to: .refused, actor: .approver),
        Transition(from: .approved, to: .personalised, actor: .production),
        Transition(from: .approved, to: .cancelled, actor: .approver),
        Transition(from: .personalised, to: .printed, actor: .production),
        Transition(from: .printed, to: .dispatched, actor: .production),
        Transition(from: .dispatched, to: .handedOver, actor: .delivery),
    ]

    public var isFinal: Bool { self == .handedOver || self == .refused || self == .cancelled }

    /// The states reachable in one step.
    public var next: [ApplicationState] { Self.transitions.filter { $0.from == self }.map(\.to) }

    /// The transition to `target`, or the error naming the move.
    public func transition(to target: ApplicationState) throws(ApplicationRuleError) -> Transition {
        guard let transition = Self.transitions.first(where: { $0.from == self && $0.to == target }) else {
            throw .transitionNotAllowed(from: self, to: target)
        }
        return transition
    }

    /// Service-level working days for the stage that starts in this state (2 to transfer, 3 to approve and
    /// print, 2 to deliver); nil where no clock runs.
    public var serviceLevelWorkingDays: Int? {
        switch self {
        case .received: 2
        case .transferred, .approved, .personalised: 3
        case .printed, .dispatched: 2
        case .handedOver, .refused, .cancelled: nil
        }
    }

    /// The officer's name of the state.
    public var vietnamese: String {
        switch self {
        case .received: "Đã tiếp nhận"
        case .transferred: "Đã chuyển Trung tâm"
        case .approved: "Đã phê duyệt"
        case .personalised: "Đã cá thể hóa"
        case .printed: "Đã in thẻ"
        case .dispatched: "Đã chuyển nơi trả"
        case .handedOver: "Đã trả thẻ"
        case .refused: "Từ chối"
        case .cancelled: "Đã hủy"
        }
    }

    /// The coarse stage a citizen sees (public look-up): received, processing, produced, ready, handed-over,
    /// refused, cancelled.
    public var publicStage: String {
        switch self {
        case .received: "received"
        case .transferred, .approved: "processing"
        case .personalised, .printed: "produced"
        case .dispatched: "ready"
        case .handedOver: "handed-over"
        case .refused: "refused"
        case .cancelled: "cancelled"
        }
    }

    /// The coarse status a citizen sees (public look-up).
    public var publicStatus: String {
        switch self {
        case .received: "Đã tiếp nhận"
        case .transferred, .approved: "Đang xử lý"
        case .personalised, .printed: "Đã sản xuất thẻ"
        case .dispatched: "Chờ trả thẻ"
        case .handedOver: "Đã trả thẻ"
        case .refused: "Từ chối"
        case .cancelled: "Đã hủy"
        }
    }
}
