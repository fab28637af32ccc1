/// Kinds of card application and their legal reasons (REFERENCE.md, "Kinds of application"), with the names the
/// command line and the API use.
public enum ApplicationKind: String, CaseIterable, Sendable, Codable {
    /// Cấp mới.
    case first
    /// Cấp đổi.
    case renewal
    /// Cấp lại.
    case regrant
    /// Conversion from the old 9/12-digit ID (CMND) or a barcode CCCD.
    case conversion

    public var vietnamese: String {
        switch self {
        case .first: "Cấp mới"
        case .renewal: "Cấp đổi"
        case .regrant: "Cấp lại"
        case .conversion: "Chuyển đổi từ CMND / CCCD mã vạch"
        }
    }

    /// The reasons allowed for this kind under `law`; empty for a first issue (which needs none).
    public func reasons(under law: CardLaw) -> [ApplicationReason] {
        ApplicationReason.allCases.filter { $0.kind == self && $0.isAllowed(under: law) }
    }

    /// Checks a kind and reason together under the law in force; returns the reason to record.
    public func validate(reason: ApplicationReason?, under law: CardLaw) throws(ApplicationRuleError) -> ApplicationReason? {
        let allowed = reasons(under: law)
        guard let reason else {
            if allowed.isEmpty { return nil }
            throw .reasonRequired(kind: self, allowed: allowed)
        }
        guard reason.kind == self else { throw .reasonNotForKind(reason: reason, kind: self) }
        guard reason.isAllowed(under: law) else { throw .reasonNotUnderLaw(reason: reason, law: law) }
        return reason
    }
}

public enum ApplicationReason: String, CaseIterable, Sendable, Codable {
    // Renewal (cấp đổi).
    case thresholdAge = "threshold-age"
    case damaged
    case changedIdentity = "changed-identity"
    case sexRedetermined = "sex-redetermined"
    case wrongData = "wrong-data"
    case pinReestablished = "pin-reestablished"
    case unitReorganisation = "unit-reorganisation"
    case onRequest = "on-request"
    // Re-grant (cấp lại).
    case lost
    case regainedNationality = "regained-nationality"
    // Conversion.
    case fromCMND9 = "from-cmnd9"
    case fromCMND12 = "from-cmnd12"
    case fromBarcodeCCCD = "from-barcode-cccd"

    public var kind: ApplicationKind {
        switch self {
        case .thresholdAge, .damaged, .changedIdentity, .sexRedetermined, .wrongData, .pinReestablished, .unitReorganisation, .onRequest: .renewal
        case .lost, .regainedNationality: .regrant
        case .fromCMND9, .fromCMND12, .fromBarcodeCCCD: .conversion
        }
    }

    /// A change caused by an administrative-unit reorganisation is a reason only under the 2023 law.
    public func isAllowed(under law: CardLaw) -> Bool {
        self != .unitReorganisation || law == .identification2023
    }

    public var vietnamese: String {
        switch self {
        case .thresholdAge: "Đủ tuổi phải đổi thẻ"
        case .damaged: "Thẻ bị hư hỏng không sử dụng được"
        case .changedIdentity: "Thay đổi họ, chữ đệm, tên; đặc điểm nhận dạng"
        case .sexRedetermined: "Xác định lại giới tính"
        case .wrongData: "Có sai sót về thông tin trên thẻ"
        case .pinReestablished: "Xác lập lại số định danh cá nhân"
        case .unitReorganisation: "Thay đổi do sắp xếp đơn vị hành chính"
        case .onRequest: "Theo yêu cầu của công dân"
        case .lost: "Bị mất thẻ"
        case .regainedNationality: "Được trở lại quốc tịch Việt Nam"
        case .fromCMND9: "Chuyển từ CMND 9 số"
        case .fromCMND12: "Chuyển từ CMND 12 số"
        case .fromBarcodeCCCD: "Chuyển từ CCCD mã vạch"
        }
    }
}

public enum ApplicationRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    case reasonRequired(kind: ApplicationKind, allowed: [ApplicationReason])
    case reasonNotForKind(reason: ApplicationReason, kind: ApplicationKind)
    case reasonNotUnderLaw(reason: ApplicationReason, law: CardLaw)
    case transitionNotAllowed(from: ApplicationState, to: ApplicationState)
    /// The move exists but is another actor's step (an approver's, card production's ...).
    case wrongActor(ApplicationState.Transition)

    public var description: String {
        switch self {
        case let .reasonRequired(kind, allowed):
            "a \(kind.rawValue) application needs a reason: \(allowed.map(\.rawValue).joined(separator: ", "))"
        case let .reasonNotForKind(reason, kind):
            "reason \(reason.rawValue) belongs to a \(reason.kind.rawValue) application, not a \(kind.rawValue) one"
        case let .reasonNotUnderLaw(reason, law):
            "reason \(reason.rawValue) does not exist under the \(law.rawValue) law"
        case let .transitionNotAllowed(from, to):
            "an application cannot go from \(from.rawValue) to \(to.rawValue)"
        case let .wrongActor(transition):
            "moving an application from \(transition.from.rawValue) to \(transition.to.rawValue) is the \(transition.actor.title)'s step; your role may not"
        }
    }
}
