/// What an account is for. The permission matrix (docs/permissions.md) is `Role.permissions`.
public enum Role: String, CaseIterable, Codable, Sendable {
    case communeOfficer = "commune-officer"
    case districtOfficer = "district-officer"
    case provinceOfficer = "province-officer"
    case approver
    case leader
    case agency
    case admin

    public var permissions: Set<Permission> {
        switch self {
        case .communeOfficer, .districtOfficer:
            [.readUnits, .readResidents, .writeResidents, .verifyResidents, .readApplications, .takeApplications]
        case .provinceOfficer:
            [.readUnits, .readResidents, .writeResidents, .verifyResidents, .readAudit, .readApplications, .takeApplications, .produceCards]
        case .approver:
            [.readUnits, .readResidents, .verifyResidents, .readApplications, .approveApplications]
        case .leader:
            [.readUnits, .readReports]
        case .agency:
            [.verifyResidents]
        case .admin:
            [.readUnits, .manageAccounts, .readAudit]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Provincial roles, approvers and administrators must sign in with a second factor (TOTP).
    public var requiresSecondFactor: Bool {
        switch self {
        case .provinceOfficer, .approver, .admin: true
        case .communeOfficer, .districtOfficer, .leader, .agency: false
        }
    }

    /// Agency clients are machines: bearer tokens only, never a console session.
    public var signsInOnWeb: Bool { self != .agency }

    public var title: String {
        switch self {
        case .communeOfficer: "Cán bộ Công an cấp xã"
        case .districtOfficer: "Cán bộ Công an cấp huyện"
        case .provinceOfficer: "Cán bộ PC06 Công an tỉnh"
        case .approver: "Cán bộ phê duyệt"
        case .leader: "Lãnh đạo"
        case .agency: "Cơ quan khai thác (máy)"
        case .admin: "Quản trị hệ thống"
        }
    }
}

/// One thing an account may do. Jurisdiction limits every permission that touches a person.
public enum Permission: String, CaseIterable, Codable, Sendable {
    /// Administrative units (public reference data).
    case readUnits = "units.read"
    /// Search residents, read a record, its history, its past states and households.
    case readResidents = "residents.read"
    /// Create and correct records, re-establish PINs.
    case writeResidents = "residents.write"
    /// Look up one person by PIN and get the verification answer (agencies, banks, land offices).
    case verifyResidents = "residents.verify"
    /// Dashboards and reports: counts only, no personal data.
    case readReports = "reports.read"
    /// Accounts, tokens and configuration.
    case manageAccounts = "accounts.manage"
    /// The audit trail: who looked at a person, what an officer did.
    case readAudit = "audit.read"
    /// Card applications of the area: queues, an application and its history, the printed forms.
    case readApplications = "applications.read"
    /// The desk's steps: intake, transfer, refusal, cancellation; and the return point's: hand-over.
    case takeApplications = "applications.intake"
    /// The national centre's step: approve, return for correction, refuse.
    case approveApplications = "applications.approve"
    /// Card production: personalise, print in batches, dispatch.
    case produceCards = "cards.produce"

    /// The pipeline's actors (ApplicationState.Actor) this permission acts as.
    public var pipelineActors: Set<ApplicationState.Actor> {
        switch self {
        case .takeApplications: [.desk, .delivery]
        case .approveApplications: [.approver]
        case .produceCards: [.production]
        default: []
        }
    }
}

extension Set where Element == Permission {
    /// Every pipeline actor these permissions may act as.
    public var pipelineActors: Set<ApplicationState.Actor> { reduce(into: []) { $0.formUnion($1.pipelineActors) } }
}
